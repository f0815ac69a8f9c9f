"""Imported by the parse pool's fork server only (see `legadilo.runtime`), before it forks the pool's workers.

A worker runs the entry point module again when it starts (multiprocessing does, so that tasks defined in
`__main__` can be found). The fork server has imported that module already (so that the worker's run finds
every import loaded); runpy then warns, in every worker, that the module "was found in sys.modules … prior to
execution", which is expected here and harmless: that warning is silenced in the workers.
"""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message=r".* found in sys\.modules after import of package", category=RuntimeWarning)
