from django.contrib.auth.hashers import PBKDF2PasswordHasher


class MeasurablePBKDF2Hasher(PBKDF2PasswordHasher):
    """Costly enough (~10-20 ms) that a code path skipping the hash would show in timing tests."""

    algorithm = "pbkdf2_sha256_measurable"
    iterations = 40_000
