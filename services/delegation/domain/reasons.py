"""What delegation's events say in words: fixed wording for each code, never what a user typed.

A provider's decline, an end and the MDT's Shared Care request are published as codes and text
generated from them; a user's own words (a reason's detail, the MDT's notes) stay in
delegation's tables. Events carry identifiers and codes only (information governance).
"""

from __future__ import annotations

from typing import TypeVar

from shared.errors import InvalidInput
from shared.events.delegation import (
    DeclineReason,
    EndReason,
    MdtPosition,
    SharedCareQuestion,
    Stance,
)
from shared.events.vocabulary import Direction, Setting

DECLINE_WORDING = {
    DeclineReason.NO_CAPACITY: "The provider has no staff capacity to carry out the task",
    DeclineReason.CANNOT_TRAIN_IN_TIME: "The provider cannot train its workers in time",
    DeclineReason.CANNOT_SUPERVISE: "The provider cannot supervise the task",
    DeclineReason.NOT_SAFE_TO_DELIVER: "The provider cannot deliver the task safely",
    DeclineReason.INSURANCE_OR_INDEMNITY: "The provider's insurance or indemnity does not cover it",
    DeclineReason.OUTSIDE_REGISTRATION: "The task is outside the provider's registration",
    DeclineReason.FUNDING_NOT_AGREED: "The funding for the task is not agreed",
    DeclineReason.PACKAGE_ENDING: "The provider's care package for the person is ending",
    DeclineReason.OTHER: "Another reason, recorded by the delegation service",
}

END_WORDING = {
    EndReason.NEED_MET: "The need the task met has been met",
    EndReason.NEED_CHANGED: "The person's need has changed",
    EndReason.TASK_NO_LONGER_SUITABLE: "The task is no longer suitable to delegate",
    EndReason.HEALTH_RESUMED_TASK: "Health staff carry out the task again",
    EndReason.PERSON_MOVED: "The person has moved",
    EndReason.SETTING_CHANGED: "The person's care setting has changed",
    EndReason.PERSON_DECLINED: "The person no longer wants the task delegated",
    EndReason.PROVIDER_CHANGED: "Another provider carries out the task",
    EndReason.PERSON_DIED: "The person has died",
    EndReason.ENDED_AT_REVIEW: "Ended at the delegation's review",
    EndReason.OTHER: "Another reason, recorded by the delegation service",
}

QUESTION_WORDING = {
    SharedCareQuestion.MAY_DELEGATE: "Whether the task may be delegated",
    SharedCareQuestion.CONDITIONS: "On what conditions the task may be delegated",
    SharedCareQuestion.RISK_ACCEPTABLE: "Whether the risk of delegating the task is acceptable",
    SharedCareQuestion.FUNDING: "Who meets the need the task serves (s.22)",
    SharedCareQuestion.DIRECTION: "Whether the task is a health or a social care task",
}

STANCE_WORDING = {
    Stance.DELEGATE: "delegate",
    Stance.DELEGATE_WITH_CONDITIONS: "delegate with conditions",
    Stance.DO_NOT_DELEGATE: "do not delegate",
}


Code = TypeVar("Code", DeclineReason, EndReason)


def coded(code: Code | None, detail: str | None, other: Code) -> tuple[Code, str | None]:
    """A reason as its code and the caller's own words (None: none given). Words alone, as
    earlier clients send them, are coded `other`; `other` needs the words that say what it is."""
    words = (detail or "").strip() or None
    if code is None and words is None:
        raise InvalidInput("reason_code", "give the reason's code")
    found = other if code is None else code
    if found is other and words is None:
        raise InvalidInput("reason_detail", "say what the other reason is")
    return found, words


def decline_wording(code: DeclineReason) -> str:
    return DECLINE_WORDING[code]


def end_wording(code: EndReason) -> str:
    return END_WORDING[code]


def shared_care_question(
    code: SharedCareQuestion, task_code: str, direction: Direction, setting: Setting
) -> str:
    """R14: the question as the codes say it: which question, of which task, where."""
    return f"{QUESTION_WORDING[code]}: task {task_code}, {direction.value}, {setting.value}"


def position_wording(position: MdtPosition) -> str:
    """R14: one member's position: discipline, organisation (an ODS code) and stance."""
    stance = STANCE_WORDING[position.stance]
    return f"{position.discipline.value} ({position.organisation}): {stance}"
