"""What the lab keeps across a server restart, and where.

On a hub such as Chameleon's the home folder is new at every server start and
only a work folder persists. Everything the student would have to enter
again lives under ``<work_dir>/.jupyterlab-testbed/`` (0700): ``settings/``,
the user settings of this extension's plugins (placeholder values, per-folder
ones included, the terminals' settings and accepted node lists), and ``ssh/``,
the generated OpenSSH config and the lab's known_hosts (``TestbedSSH`` puts
its state there). Sockets stay in the short per-user control directory, and
no private key is ever copied.

The mechanism: JupyterLab keeps each extension's user settings in one folder,
``<user-settings>/jupyterlab-testbed/``. At start the server extension makes
that one folder a symbolic link to ``settings/`` in the work folder, after
moving in what a previous start left in the home folder. Why this and not a
store of our own: the front end keeps reading and writing through
JupyterLab's settings API, so schema validation, the Settings editor and
every plugin's change signals behave as before, with one copy of the logic;
JupyterLab's other settings stay where they are (Chameleon's start script
writes those into the fresh home at each start); and the file layout under
the user-settings folder is the same in every JupyterLab 4 release.
"""

import contextlib
import os
import shutil
import stat

from traitlets import Unicode, default
from traitlets.config import LoggingConfigurable

# The folder name JupyterLab gives this extension's user settings.
EXTENSION_NAME = "jupyterlab-testbed"
STORE_NAME = ".jupyterlab-testbed"
ENVIRONMENT_VARIABLE = "JUPYTERLAB_TESTBED_WORK_DIR"
CHAMELEON_WORK_DIR = "/work"
# Where a home folder's own settings go once the work folder holds them.
MOVED_SUFFIX = ".before-work-folder"
# A settings folder holds one file per plugin: a few, never thousands.
MAX_MIGRATED_FILES = 100
# Less free space than this cannot hold a settings file.
MIN_FREE_BYTES = 16 * 1024


class TestbedPersistence(LoggingConfigurable):
    """The work folder that outlives the home folder, and what lives in it."""

    work_dir = Unicode(
        help=f"""A folder that survives a server restart, unlike the home folder.

        The lab's settings, placeholder values and ssh state are kept in its
        {STORE_NAME}/ subfolder. Default: ${ENVIRONMENT_VARIABLE} when set;
        else {CHAMELEON_WORK_DIR} when it is a folder of your own that you can
        write to (as on Chameleon); else nothing persists beyond the home
        folder.""",
    ).tag(config=True)

    @default("work_dir")
    def _default_work_dir(self):
        if ENVIRONMENT_VARIABLE in os.environ:
            return os.environ[ENVIRONMENT_VARIABLE]
        # Chameleon's start script gives the user their /work; a /work that
        # is another user's (a folder shared by everyone, say) is not theirs
        # to keep settings in.
        try:
            info = os.stat(CHAMELEON_WORK_DIR)
        except OSError:
            return ""
        if (
            stat.S_ISDIR(info.st_mode)
            and info.st_uid == os.getuid()
            and os.access(CHAMELEON_WORK_DIR, os.W_OK | os.X_OK)
        ):
            return CHAMELEON_WORK_DIR
        return ""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Why the work folder is not in use, once start() found out.
        self._problem = None
        self._started = False

    @property
    def work_path(self):
        return os.path.abspath(os.path.expanduser(self.work_dir)) if self.work_dir else None

    @property
    def store_path(self):
        return os.path.join(self.work_path, STORE_NAME) if self.work_path else None

    @property
    def settings_path(self):
        return os.path.join(self.store_path, "settings") if self.store_path else None

    @property
    def in_use(self):
        """Whether the store is set up, so what the student saves persists."""
        return self._started and self.store_path is not None and self._problem is None

    @property
    def ssh_dir(self):
        """Where TestbedSSH keeps its state when the work folder is in use, else ''."""
        return os.path.join(self.store_path, "ssh") if self.in_use else ""

    def start(self, user_settings_dirs):
        """Make the store and link each user-settings folder's testbed folder to it.

        A failure is kept as a message for the sidebar, never raised: the
        server then runs as without a work folder.
        """
        self._started = True
        if not self.work_path:
            self.log.info("jupyterlab_testbed: no work folder; settings stay in the home folder")
            return
        try:
            self._make_store()
            for directory in user_settings_dirs:
                self._link_settings(directory)
        except StoreError as error:
            self._problem = error.message
        except OSError as error:
            self._problem = _os_problem(error, self.work_path)
        if self._problem:
            self.log.warning("jupyterlab_testbed: %s", self._problem)
        else:
            self.log.info("jupyterlab_testbed: settings and ssh state kept in %s", self.store_path)

    def status(self):
        """What the sidebar tells the student about what a restart keeps."""
        problem = self._problem or (self._saving_problem() if self.in_use else None)
        return {
            "workDir": self.work_path or "",
            "folder": self.store_path if self.in_use else None,
            "persisted": self.in_use,
            "variable": ENVIRONMENT_VARIABLE,
            "problem": problem,
        }

    def _make_store(self):
        work = self.work_path
        if not os.path.isdir(work):
            raise StoreError(
                f"The work folder {work} does not exist: your values are kept in the home "
                f"folder only, which a server restart may wipe. Create it, or set "
                f"{ENVIRONMENT_VARIABLE} (TestbedPersistence.work_dir) to a folder that exists."
            )
        if not os.access(work, os.W_OK | os.X_OK):
            raise StoreError(not_writable_message(work))
        store = self.store_path
        with contextlib.suppress(FileExistsError):
            os.mkdir(store, 0o700)
        info = os.lstat(store)
        if not os.path.isdir(store) or os.path.islink(store):
            raise StoreError(f"{store} is not a folder: move it away and restart your server.")
        if info.st_uid != os.getuid():
            raise StoreError(
                f"{store} belongs to another user (uid {info.st_uid}): nothing is kept there."
            )
        # Placeholder values and known hosts are the student's alone.
        os.chmod(store, 0o700)
        for name in ("settings", "ssh"):
            with contextlib.suppress(FileExistsError):
                os.mkdir(os.path.join(store, name), 0o700)
            os.chmod(os.path.join(store, name), 0o700)
        for name in _regular_files(self.settings_path):
            os.chmod(os.path.join(self.settings_path, name), 0o600)

    def _link_settings(self, user_settings_dir):
        """Point <user-settings>/jupyterlab-testbed at the store, moving in what is there."""
        link = os.path.join(user_settings_dir, EXTENSION_NAME)
        target = self.settings_path
        if os.path.islink(link):
            if os.path.realpath(link) == os.path.realpath(target):
                return
            # A link from an earlier work folder setting: the files stay there.
            self.log.info("jupyterlab_testbed: %s pointed to %s", link, os.readlink(link))
            os.unlink(link)
        elif os.path.isdir(link):
            self._migrate(link, target)
        elif os.path.lexists(link):
            raise StoreError(f"{link} is not a folder: move it away and restart your server.")
        os.makedirs(user_settings_dir, exist_ok=True)
        os.symlink(target, link)

    def _migrate(self, folder, target):
        """Copy the home folder's settings files the store lacks, then set the folder aside.

        The store's own files win: they are what the last server with a work
        folder saved. The folder is renamed, not removed, so nothing is lost.
        """
        for name in _regular_files(folder)[:MAX_MIGRATED_FILES]:
            destination = os.path.join(target, name)
            if not os.path.lexists(destination):
                shutil.copyfile(os.path.join(folder, name), destination)
                os.chmod(destination, 0o600)
                self.log.info("jupyterlab_testbed: moved %s into %s", name, target)
        aside = folder + MOVED_SUFFIX
        for number in range(2, 12):
            if not os.path.lexists(aside):
                break
            aside = f"{folder}{MOVED_SUFFIX}.{number}"
        else:
            raise StoreError(f"Too many old copies next to {folder}: remove some.")
        os.rename(folder, aside)

    def _saving_problem(self):
        """Why saving into the store would fail now (full disk, lost rights), or None."""
        settings = self.settings_path
        if not os.access(settings, os.W_OK | os.X_OK):
            return not_writable_message(settings)
        try:
            info = os.statvfs(settings)
        except OSError as error:
            return _os_problem(error, settings)
        if info.f_bavail * info.f_frsize < MIN_FREE_BYTES:
            return (
                f"The work folder {self.work_path} is full: your latest values are not saved. "
                "Free some space there (delete large files you no longer need), then press "
                "Try again."
            )
        return None


class StoreError(Exception):
    """Why the work folder cannot hold the store, for the student."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def not_writable_message(path):
    return (
        f"The work folder {path} is not writable: your values are kept in this "
        "browser tab and the home folder only, which a server restart may wipe. "
        "Ask your hub’s operator to fix its permissions."
    )


def _os_problem(error, path):
    return f"Cannot keep your settings in {path}: {error.strerror or error}."


def _regular_files(folder):
    """Names of the plain files in a folder (links and subfolders are skipped)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return sorted(entry.name for entry in entries if entry.is_file(follow_symlinks=False))


def user_settings_dirs(serverapp):
    """The user-settings folders of the JupyterLab-like apps this server runs.

    JupyterLab and Notebook 7 each have one (``LabApp.user_settings_dir``);
    without either the default is JupyterLab's.
    """
    found = []
    for apps in serverapp.extension_manager.extension_apps.values():
        for app in apps:
            directory = getattr(app, "user_settings_dir", None)
            if isinstance(directory, str) and directory and directory not in found:
                found.append(directory)
    if not found:
        from jupyter_core.paths import jupyter_config_dir

        found.append(
            os.environ.get("JUPYTERLAB_SETTINGS_DIR")
            or os.path.join(jupyter_config_dir(), "lab", "user-settings")
        )
    return found
