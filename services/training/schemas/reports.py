"""The IPCB's reports (R27)."""

from datetime import date

from pydantic import BaseModel


class SignOffRow(BaseModel):
    provider_organisation: str
    task_code: str
    competent: int
    not_yet_competent: int


class SignOffReport(BaseModel):
    period_from: date
    period_to: date
    rows: list[SignOffRow]
