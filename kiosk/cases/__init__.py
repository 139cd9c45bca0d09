"""The officer's work on a visitor: intake, persons, cases, follow-up steps and referrals."""
