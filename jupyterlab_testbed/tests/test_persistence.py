import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from traitlets.config import Config

from jupyterlab_testbed import persistence
from jupyterlab_testbed.persistence import ENVIRONMENT_VARIABLE
from jupyterlab_testbed.persistence import TestbedPersistence as Persistence
from jupyterlab_testbed.ssh import TestbedSSH as SSH

from .labserver import lab_server

SETTINGS_FILE = "placeholders.jupyterlab-settings"
CONFIG = "Host node1\n  HostName 129.114.25.134\n  User cc\n"
KNOWN_HOST = (
    "129.114.25.134 ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
)


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def started(work, user_settings):
    keeper = Persistence(work_dir=str(work))
    keeper.start([str(user_settings)])
    return keeper


@pytest.fixture
def tmpfs(tmp_path):
    """Mount small tmpfs folders (root only); each is unmounted afterwards."""
    mounted = []

    def mount(options):
        path = tmp_path / f"mount{len(mounted)}"
        path.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
        mounted.append(path)
        return path

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


# Where the work folder is


def test_the_environment_variable_names_the_work_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path))
    assert Persistence().work_dir == str(tmp_path)


def test_a_writable_chameleon_work_folder_is_the_default(monkeypatch, tmp_path):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    monkeypatch.setattr(persistence, "CHAMELEON_WORK_DIR", str(tmp_path))
    assert Persistence().work_dir == str(tmp_path)


def test_a_chameleon_work_folder_of_another_user_is_not_the_default(monkeypatch, tmp_path):
    # A /work shared by every user (1777) is not one student's to keep settings in.
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o1777)
    os.chown(shared, os.getuid() + 4242, -1)
    monkeypatch.setattr(persistence, "CHAMELEON_WORK_DIR", str(shared))
    assert Persistence().work_dir == ""


def test_the_setting_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path / "from-environment"))
    config = Config({"TestbedPersistence": {"work_dir": str(tmp_path)}})
    assert Persistence(config=config).work_dir == str(tmp_path)


def test_without_a_work_folder_nothing_moves(monkeypatch, tmp_path):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    monkeypatch.setattr(persistence, "CHAMELEON_WORK_DIR", str(tmp_path / "absent"))
    keeper = Persistence()
    keeper.start([str(tmp_path / "user-settings")])
    assert keeper.status() == {
        "workDir": "",
        "folder": None,
        "persisted": False,
        "variable": ENVIRONMENT_VARIABLE,
        "problem": None,
    }
    assert keeper.ssh_dir == ""
    assert not (tmp_path / "user-settings").exists()


def test_a_read_only_work_folder_is_not_the_chameleon_default(monkeypatch, tmpfs):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    monkeypatch.setattr(persistence, "CHAMELEON_WORK_DIR", str(tmpfs("ro,size=64k")))
    assert Persistence().work_dir == ""


# The store and the link


def test_start_moves_the_home_settings_into_the_work_folder(tmp_path):
    user_settings = tmp_path / "home" / "user-settings"
    ours = user_settings / "jupyterlab-testbed"
    ours.mkdir(parents=True)
    (ours / SETTINGS_FILE).write_text('{"values": {"netId": "ab123"}}')
    theirs = user_settings / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("{}")
    work = tmp_path / "work"
    work.mkdir()

    keeper = started(work, user_settings)

    store = work / ".jupyterlab-testbed"
    assert keeper.status()["persisted"] and keeper.status()["problem"] is None
    assert ours.is_symlink() and os.path.realpath(ours) == str(store / "settings")
    assert json.loads((ours / SETTINGS_FILE).read_text()) == {"values": {"netId": "ab123"}}
    # The old folder is set aside, never removed; JupyterLab's own settings stay put.
    assert (user_settings / "jupyterlab-testbed.before-work-folder" / SETTINGS_FILE).is_file()
    assert theirs.read_text() == "{}" and not theirs.parent.is_symlink()
    assert [mode(store), mode(store / "settings"), mode(store / "ssh")] == [0o700] * 3
    assert mode(store / "settings" / SETTINGS_FILE) == 0o600
    assert keeper.ssh_dir == str(store / "ssh")


def test_the_work_folder_copy_wins_over_a_stale_home_copy(tmp_path):
    work = tmp_path / "work"
    (work / ".jupyterlab-testbed" / "settings").mkdir(parents=True)
    (work / ".jupyterlab-testbed" / "settings" / SETTINGS_FILE).write_text(
        '{"values": {"netId": "new"}}'
    )
    user_settings = tmp_path / "user-settings"
    (user_settings / "jupyterlab-testbed").mkdir(parents=True)
    (user_settings / "jupyterlab-testbed" / SETTINGS_FILE).write_text(
        '{"values": {"netId": "old"}}'
    )

    started(work, user_settings)

    assert "new" in (user_settings / "jupyterlab-testbed" / SETTINGS_FILE).read_text()
    assert (
        "old"
        in (user_settings / "jupyterlab-testbed.before-work-folder" / SETTINGS_FILE).read_text()
    )


def test_a_second_start_keeps_the_link(tmp_path):
    work, user_settings = tmp_path / "work", tmp_path / "user-settings"
    work.mkdir()
    started(work, user_settings)
    keeper = started(work, user_settings)
    assert keeper.status()["persisted"]
    assert sorted(os.listdir(user_settings)) == ["jupyterlab-testbed"]


def test_loose_permissions_of_the_store_are_tightened(tmp_path):
    work = tmp_path / "work"
    store = work / ".jupyterlab-testbed"
    (store / "settings").mkdir(parents=True)
    (store / "settings" / SETTINGS_FILE).write_text("{}")
    os.chmod(store, 0o777)
    os.chmod(store / "settings" / SETTINGS_FILE, 0o666)
    started(work, tmp_path / "user-settings")
    assert mode(store) == 0o700
    assert mode(store / "settings" / SETTINGS_FILE) == 0o600


def test_a_store_that_is_a_link_is_refused(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (work / ".jupyterlab-testbed").symlink_to(elsewhere)
    keeper = started(work, tmp_path / "user-settings")
    assert not keeper.status()["persisted"]
    assert "is not a folder" in keeper.status()["problem"]
    assert not (tmp_path / "user-settings").exists()


def test_a_store_of_another_user_is_refused(tmp_path):
    if os.getuid() != 0:
        pytest.skip("only root can give a folder to another user")
    work = tmp_path / "work"
    (work / ".jupyterlab-testbed").mkdir(parents=True)
    os.chown(work / ".jupyterlab-testbed", 12345, 12345)
    keeper = started(work, tmp_path / "user-settings")
    assert "belongs to another user (uid 12345)" in keeper.status()["problem"]
    assert keeper.ssh_dir == ""


def test_a_read_only_work_folder_is_named_and_settings_stay_home(tmp_path, tmpfs):
    work = tmpfs("ro,size=64k")
    user_settings = tmp_path / "user-settings"
    keeper = started(work, user_settings)
    status = keeper.status()
    assert not status["persisted"] and status["folder"] is None
    assert status["problem"].startswith(f"The work folder {work} is not writable")
    assert not user_settings.exists()
    assert keeper.ssh_dir == ""


def test_a_missing_work_folder_is_named(tmp_path):
    keeper = started(tmp_path / "absent", tmp_path / "user-settings")
    assert f"The work folder {tmp_path / 'absent'} does not exist" in keeper.status()["problem"]


# TestbedSSH follows


def test_ssh_state_defaults_to_the_store(tmp_path):
    ssh = SSH(persisted_state_dir=str(tmp_path / "store" / "ssh"))
    assert ssh.config_file == str(tmp_path / "store" / "ssh" / "config")
    assert SSH().state_dir == "~/.ssh/jupyterlab-testbed"


def test_an_explicit_ssh_state_dir_wins(tmp_path):
    config = Config({"TestbedSSH": {"state_dir": str(tmp_path / "mine")}})
    ssh = SSH(config=config, persisted_state_dir=str(tmp_path / "store" / "ssh"))
    assert ssh.state_path == str(tmp_path / "mine")


# A real server: restart with the home folder wiped, and a full disk


def test_values_and_ssh_state_survive_a_restart_that_wipes_home(tmp_path):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (home / ".ssh").mkdir(mode=0o700)
    (home / ".ssh" / "id_rsa_chameleon").write_text("-----BEGIN RSA PRIVATE KEY-----\nx\n")
    env = {ENVIRONMENT_VARIABLE: str(work)}
    values = {
        "values": {"netId": "ab123"},
        "folders": {"labs/lab1": {"floatingIp": "129.114.25.134"}},
    }
    terminals = {"keyFile": "~/.ssh/id_rsa_mine", "interruptFirst": True}

    with lab_server(home, work, env) as server:
        assert server.save_settings("placeholders", values) == 204
        assert server.save_settings("terminals", terminals) == 204
        status, paths = server.request("PUT", "jupyterlab-testbed/ssh/config", {"text": CONFIG})
        assert status == 200, paths
        # ssh itself writes known_hosts when it first meets node1.
        with open(paths["knownHostsFile"], "w") as file:
            file.write(KNOWN_HOST)
        status, kept = server.request("GET", "jupyterlab-testbed/persistence")
        assert kept["persisted"] and kept["folder"] == str(work / ".jupyterlab-testbed")

    shutil.rmtree(home)
    home.mkdir()

    with lab_server(home, work, env) as server:
        placeholders = server.settings("placeholders")
        assert placeholders["values"] == values["values"]
        assert placeholders["folders"] == values["folders"]
        assert server.settings("terminals")["keyFile"] == "~/.ssh/id_rsa_mine"
        assert server.settings("terminals")["interruptFirst"] is True
        _, paths = server.request("GET", "jupyterlab-testbed/ssh")
    store = work / ".jupyterlab-testbed"
    assert paths["configFile"] == str(store / "ssh" / "config")
    assert (store / "ssh" / "config").read_text() == CONFIG
    assert (store / "ssh" / "known_hosts").read_text() == KNOWN_HOST
    assert mode(store / "ssh" / "config") == 0o600
    # JupyterLab writes settings files with the umask; each start tightens them.
    assert mode(store / "settings" / SETTINGS_FILE) == 0o600
    assert [mode(store), mode(store / "ssh"), mode(store / "settings")] == [0o700] * 3
    # No private key was copied into the work folder.
    for folder, _, files in os.walk(store):
        for name in files:
            assert "PRIVATE KEY" not in Path(folder, name).read_text()


def test_a_full_work_folder_is_named_and_saving_works_again_once_freed(tmp_path, tmpfs):
    home = tmp_path / "home"
    home.mkdir()
    work = tmpfs("size=256k,mode=0755")
    env = {ENVIRONMENT_VARIABLE: str(work)}
    # More than the one page the old file frees when it is rewritten.
    folders = {f"labs/lab{n}": {"floatingIp": f"10.0.{n}.1"} for n in range(150)}

    with lab_server(home, tmp_path, env) as server:
        assert server.save_settings("placeholders", {"values": {"netId": "ab123"}}) == 204
        filler = work / "filler"
        with pytest.raises(OSError, match="No space left"), open(filler, "wb") as file:
            for _ in range(256):
                file.write(b"\0" * 4096)
                file.flush()
        assert server.save_settings("placeholders", {"folders": folders}) == 500
        _, status = server.request("GET", "jupyterlab-testbed/persistence")
        assert status["problem"].startswith(f"The work folder {work} is full")

        filler.unlink()
        _, status = server.request("GET", "jupyterlab-testbed/persistence")
        assert status["problem"] is None
        assert server.save_settings("placeholders", {"folders": folders}) == 204
        assert server.settings("placeholders")["folders"] == folders
