"""The arrows a scorecard review's status may follow: the one table the workflow obeys.

::

    draft ──submit──▶ in_review ──approve──▶ approved
      ▲                  │
      └─────return───────┘

* A draft is what the reviewer prepares (comments, the decision, an improvement plan).
* Submitted, it waits for approval; it can be returned to draft for changes.
* Approved is final: the decision stands (an improvement plan then lives on until closed).

Pure data and functions (checked strictly by mypy); the service
(``scorecards.review_services.review_transition``) locks the review, checks the rules that
need the database (a decision, an improvement plan with actions) and saves.
"""

DRAFT = "draft"
IN_REVIEW = "in_review"
APPROVED = "approved"

STATUS_LABELS: dict[str, str] = {DRAFT: "draft", IN_REVIEW: "in review", APPROVED: "approved"}

# action → (the statuses it starts from, the status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((DRAFT,), IN_REVIEW),
    "return": ((IN_REVIEW,), DRAFT),
    "approve": ((IN_REVIEW,), APPROVED),
}

ACTION_LABELS: dict[str, str] = {
    "submit": "Submit for review",
    "return": "Return to draft",
    "approve": "Approve",
}


class TransitionNotAllowed(Exception):
    """The review's current status has no such arrow (the API answers 409 naming the status)."""

    def __init__(self, message: str, *, current: str) -> None:
        super().__init__(message)
        self.message = message
        self.current = current


def allowed_actions(status: str) -> list[str]:
    """The actions a review in ``status`` may take (the buttons its page offers)."""
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def target_of(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status``; raises ``TransitionNotAllowed`` if there is no such arrow."""
    if action not in TRANSITIONS:
        raise TransitionNotAllowed(
            f"“{action}” is not a review action; choose one of {', '.join(TRANSITIONS)}.", current=status
        )
    sources, target = TRANSITIONS[action]
    if status not in sources:
        allowed = allowed_actions(status)
        then = f"it can only {' or '.join(allowed)}" if allowed else "it is final"
        raise TransitionNotAllowed(
            f"The review is {STATUS_LABELS.get(status, status)}; {then} (not {action}).", current=status
        )
    return target
