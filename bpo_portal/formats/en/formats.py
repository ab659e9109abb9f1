"""One date format across pages: ISO-like ``YYYY-MM-DD`` dates and ``YYYY-MM`` months.

Django's English locale would render ``Oct. 3, 2026``; this module (``FORMAT_MODULE_PATH``)
takes precedence over it for the formats it names and leaves the input formats alone.
Times that belong to a contract are shown with ``|in_zone:contract.time_zone`` (core_tags).
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
TIME_FORMAT = "H:i"
