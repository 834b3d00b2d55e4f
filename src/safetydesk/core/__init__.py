"""Qt-free core: records, rules, services, reports, model. Never imports PySide6 or the UI."""
