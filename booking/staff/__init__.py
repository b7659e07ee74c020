"""Staff: the logins of caseworkers and admins, and the register of caseworkers.

Passwords (argon2id) and their policy, login with lockout, creating and changing users, and
creating caseworkers with the services they offer (`accounts`), and the administrators' keys
for the admin API (`api_keys`). Which pages a role may open
is the web layer's; which booking a caseworker may act on is `booking.bookings.access`.
"""

from booking.staff.accounts import (
    MAX_PASSWORD_LENGTH,
    LoginResult,
    authenticate,
    change_password,
    check_email,
    check_password_policy,
    create_caseworker,
    create_user,
    find_user_by_email,
    get_user,
    hash_password,
    is_locked,
    normalise_email,
    set_password,
    set_services,
    verify_password,
)
from booking.staff.api_keys import (
    NewApiKey,
    api_keys_of,
    create_api_key,
    create_api_key_for_email,
    revoke_api_key,
    user_of_api_key,
)

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "LoginResult",
    "NewApiKey",
    "api_keys_of",
    "authenticate",
    "change_password",
    "check_email",
    "check_password_policy",
    "create_api_key",
    "create_api_key_for_email",
    "create_caseworker",
    "create_user",
    "find_user_by_email",
    "get_user",
    "hash_password",
    "is_locked",
    "normalise_email",
    "revoke_api_key",
    "set_password",
    "set_services",
    "user_of_api_key",
    "verify_password",
]
