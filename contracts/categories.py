"""The ten BPO service categories, kept in one place for the data migration and post_migrate."""

from typing import Any

CATEGORIES: list[tuple[str, str, str]] = [
    ("customer-support", "Customer support & call centre", "Voice, chat, email and social customer service."),
    ("back-office", "Back-office operations", "Data entry, order processing, document handling."),
    ("finance-accounting", "Finance & accounting", "Accounts payable and receivable, reconciliation, payroll."),
    ("it-services", "IT services", "Service desk, application support, infrastructure operations."),
    ("hr-services", "HR services", "Recruitment, onboarding, payroll administration, benefits."),
    ("supply-chain", "Supply chain & logistics", "Procurement operations, inventory, order-to-delivery."),
    ("content-digital", "Content & digital marketing", "Content moderation, campaign operations, SEO."),
    ("research-analytics", "Research & data analysis", "Market research, data annotation, analytics."),
    ("legal-process", "Legal process outsourcing", "Document review, contract management, e-discovery."),
    ("healthcare-bpo", "Healthcare BPO", "Medical billing and coding, claims processing."),
]


def ensure_service_categories(category_model: Any) -> None:
    """Create any missing category; existing ones (possibly renamed by an admin) are kept."""
    for code, name, description in CATEGORIES:
        category_model.objects.get_or_create(code=code, defaults={"name": name, "description": description})
