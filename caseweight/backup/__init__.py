"""`caseweight backup` and `caseweight restore`: the whole database and the users' policy files in one archive."""
