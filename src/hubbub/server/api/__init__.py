"""REST transport under /api/v1: parse → service → serialise. No rules, no SQL here."""
