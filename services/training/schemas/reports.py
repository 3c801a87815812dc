"""The IPCB's reports (R27)."""

from datetime import date

from pydantic import BaseModel


class SignOffRow(BaseModel):
    provider_organisation: str
    task_code: str
    competent: int
    not_yet_competent: int
    in_date_at_end: int  # competent sign-offs that still count on the period's last day (R16)


class SignOffReport(BaseModel):
    period_from: date
    period_to: date
    rows: list[SignOffRow]
