from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders of deadlines that must not be missed: notice, contract end, certification
    expiry, a month's vendor report not in.

    Sits above ``reports``, ``slas`` and ``savings`` (it reads contracts, certifications and
    reports) and below ``overview``, whose dashboard lists the open reminders.
    """

    name = "reminders"
    verbose_name = "Reminders"
