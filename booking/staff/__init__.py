"""Staff: logins for caseworkers and admins (passwords, lockout) and the caseworker register."""
