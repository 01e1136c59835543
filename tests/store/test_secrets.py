from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from spyglass.exceptions import SecretStoreError
from spyglass.store import SecretBox
from spyglass.store.secrets import KEY_FILE_NAME

TOKEN = "glpat-abcdefghijklmnopqrst"


def test_round_trip_never_shows_the_plaintext(tmp_path: Path) -> None:
    box = SecretBox.from_environment(tmp_path, {})

    first, second = box.encrypt(TOKEN), box.encrypt(TOKEN)

    assert TOKEN.encode() not in first
    assert first != second  # random IV: equal secrets are not recognisable
    assert box.decrypt(first) == TOKEN
    assert box.decrypt(second) == TOKEN


def test_missing_key_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    ciphertext = SecretBox.from_environment(tmp_path, {}).encrypt(TOKEN)

    key_file = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert SecretBox.from_environment(tmp_path, {}).decrypt(ciphertext) == TOKEN
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]  # no temporary left behind


def test_key_file_readable_by_others_is_made_private(tmp_path: Path) -> None:
    key_file = tmp_path / KEY_FILE_NAME
    key_file.write_bytes(Fernet.generate_key())
    key_file.chmod(0o644)

    SecretBox.from_environment(tmp_path, {})

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_threads_creating_the_key_at_once_agree_on_one_key(tmp_path: Path) -> None:
    boxes: list[SecretBox] = []
    barrier = threading.Barrier(6)

    def create() -> None:
        barrier.wait()
        boxes.append(SecretBox.from_environment(tmp_path, {}))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ciphertext = boxes[0].encrypt(TOKEN)
    assert len(boxes) == 6
    assert all(box.decrypt(ciphertext) == TOKEN for box in boxes)


def test_key_from_environment_needs_no_file(tmp_path: Path) -> None:
    environ = {"SPYGLASS_SECRET_KEY": Fernet.generate_key().decode()}

    ciphertext = SecretBox.from_environment(tmp_path, environ).encrypt(TOKEN)

    assert not (tmp_path / KEY_FILE_NAME).exists()
    assert SecretBox.from_environment(tmp_path / "elsewhere", environ).decrypt(ciphertext) == TOKEN
    assert SecretBox.from_environment(tmp_path, environ).source == "SPYGLASS_SECRET_KEY"


def test_long_passphrase_in_environment_derives_a_stable_key(tmp_path: Path) -> None:
    environ = {"SPYGLASS_SECRET_KEY": "correct horse battery staple, forty chars!"}

    ciphertext = SecretBox.from_environment(tmp_path, environ).encrypt(TOKEN)

    assert SecretBox.from_environment(tmp_path, environ).decrypt(ciphertext) == TOKEN
    other = {"SPYGLASS_SECRET_KEY": "correct horse battery staple, forty chars?"}
    with pytest.raises(SecretStoreError):
        SecretBox.from_environment(tmp_path, other).decrypt(ciphertext)


def test_short_non_key_in_environment_is_refused_with_remedy(tmp_path: Path) -> None:
    with pytest.raises(SecretStoreError) as caught:
        SecretBox.from_environment(tmp_path, {"SPYGLASS_SECRET_KEY": "hunter2"})

    assert "SPYGLASS_SECRET_KEY" in caught.value.message
    assert "Fernet.generate_key" in caught.value.remedy
    assert "hunter2" not in str(caught.value)


def test_wrong_key_says_what_happened_and_what_to_do(tmp_path: Path) -> None:
    ciphertext = SecretBox.from_environment(tmp_path / "one", {}).encrypt(TOKEN)

    with pytest.raises(SecretStoreError) as caught:
        SecretBox.from_environment(tmp_path / "two", {}).decrypt(ciphertext)

    assert "cannot be decrypted" in caught.value.message
    assert "spyglass gitlab disconnect" in caught.value.remedy
    assert TOKEN not in str(caught.value)


def test_corrupt_ciphertext_is_refused(tmp_path: Path) -> None:
    box = SecretBox.from_environment(tmp_path, {})
    ciphertext = bytearray(box.encrypt(TOKEN))
    ciphertext[-5] ^= 0x01

    with pytest.raises(SecretStoreError):
        box.decrypt(bytes(ciphertext))


def test_key_file_with_garbage_is_refused(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE_NAME).write_text("not a key\n")

    with pytest.raises(SecretStoreError) as caught:
        SecretBox.from_environment(tmp_path, {})

    assert "does not hold a valid key" in caught.value.message
    assert caught.value.remedy


def test_previous_keys_decrypt_and_rotate_to_the_current_one(tmp_path: Path) -> None:
    old_key = Fernet.generate_key().decode()
    ciphertext = SecretBox.from_environment(tmp_path, {"SPYGLASS_SECRET_KEY": old_key}).encrypt(TOKEN)
    current, unrelated = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    environ = {"SPYGLASS_SECRET_KEY": current, "SPYGLASS_SECRET_KEY_PREVIOUS": f"{unrelated}, {old_key}"}
    box = SecretBox.from_environment(tmp_path, environ)

    assert box.decrypt(ciphertext) == TOKEN
    rotated = box.rotate(ciphertext)
    assert SecretBox.from_environment(tmp_path, {"SPYGLASS_SECRET_KEY": current}).decrypt(rotated) == TOKEN
    with pytest.raises(SecretStoreError) as caught:
        SecretBox.from_environment(tmp_path, {"SPYGLASS_SECRET_KEY": current}).rotate(ciphertext)
    assert "SPYGLASS_SECRET_KEY_PREVIOUS" in caught.value.remedy


@pytest.mark.parametrize("separator", [", ", " , ", ",\t", ",\n  "])
def test_a_previous_passphrase_after_a_comma_and_space_is_the_same_key(tmp_path: Path, separator: str) -> None:
    passphrase = "an old passphrase that is long enough to be used"
    ciphertext = SecretBox.from_environment(tmp_path, {"SPYGLASS_SECRET_KEY": passphrase}).encrypt(TOKEN)
    other_key, current = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    environ = {"SPYGLASS_SECRET_KEY": current,
               "SPYGLASS_SECRET_KEY_PREVIOUS": f"{other_key}{separator}{passphrase} "}

    box = SecretBox.from_environment(tmp_path, environ)

    assert box.decrypt(ciphertext) == TOKEN
    assert SecretBox.from_environment(tmp_path, {"SPYGLASS_SECRET_KEY": current}).decrypt(
        box.rotate(ciphertext)) == TOKEN


def test_a_short_previous_key_names_the_previous_variable(tmp_path: Path) -> None:
    environ = {"SPYGLASS_SECRET_KEY_PREVIOUS": f"{Fernet.generate_key().decode()}, hunter2"}

    with pytest.raises(SecretStoreError) as caught:
        SecretBox.from_environment(tmp_path, environ)

    assert "SPYGLASS_SECRET_KEY_PREVIOUS" in caught.value.message and "hunter2" not in str(caught.value)
