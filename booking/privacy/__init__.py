"""Privacy: consent texts and records, the audit log, retention, and what the citizen's rights
mean for the data held (export and anonymisation)."""
