"""Changes committed by another process are seen within a second."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from db.changes import ChangeNotifier
from db.models import Office
from kiosk.office import OfficeContext
from kiosk.paths import Paths


def test_a_commit_from_another_process_is_noticed(office: OfficeContext, paths: Paths) -> None:
    notifier = ChangeNotifier(office.store)
    seen: list[bool] = []
    notifier.subscribe(lambda: seen.append(True))
    assert notifier.poll() is False

    writer = textwrap.dedent(
        f"""
        from db.models import Office
        from kiosk.office import open_office
        from kiosk.paths import Paths
        context = open_office(Paths.resolve({str(paths.data_dir)!r}, {str(paths.config_dir)!r}))
        with context.store.unit_of_work(context.system) as uow:
            uow.add(Office(name="written elsewhere"))
        context.close()
        """
    )
    subprocess.run([sys.executable, "-c", writer], check=True, timeout=60)

    assert notifier.poll() is True
    assert seen == [True]
    assert notifier.poll() is False
    notifier.close()


def test_a_commit_from_another_connection_of_this_process_is_noticed(
    office: OfficeContext,
) -> None:
    notifier = ChangeNotifier(office.store)
    with office.store.unit_of_work(office.system) as uow:
        uow.add(Office(name="written here"))
    assert notifier.poll() is True
    notifier.close()
