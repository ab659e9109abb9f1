from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders of deadlines that must not be missed: notice, contract end, certification
    expiry, a month's vendor report not in.

    Sits above ``reports``, ``slas`` and ``savings`` (it reads contracts, certifications and
    reports) and below ``overview``, whose dashboard lists the open reminders. The contract
    page shows the contract's owner and reminders through a panel (``core.panels``).
    """

    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from core.panels import Panel, register_panel
        from reminders.views import contract_reminders_panel

        register_panel(
            "contracts.contract",
            Panel("reminders", "reminders/contract_reminders_panel.html", contract_reminders_panel, order=5),
        )
