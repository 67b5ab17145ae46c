# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Writer processes for the concurrency tests of the alias database.

Each writer is a process of its own (``spawn``: a fresh interpreter, no
connection inherited from the test), configured the way
``nova-pci-alias-manage`` configures itself: the given connection URL and
every other ``[pci_alias_database]`` option at its default.  A round hands
one write to each of several writers with a start time; each one sleeps
until then, runs its write through the public ``queries`` functions and
reports how it ended.

Starting a Python process that imports oslo.db costs about a second on a
loaded machine, so the writers are started once per test process and
reused by every test (:func:`writer_pool`).
"""

import atexit
import multiprocessing
import time

#: Seconds between handing out a round and its start, so that every writer
#: has its job before the first one starts.
LEAD = 0.05


def _configure(url):
    """Point this process's alias database at ``url``, with defaults."""
    from oslo_config import cfg
    from oslo_db.sqlalchemy import enginefacade

    from nova_pci_alias.sources.database import options
    from nova_pci_alias.sources.database import queries

    queries.context_manager.dispose_pool()
    queries.context_manager.patch_factory(enginefacade.transaction_context())
    conf = cfg.ConfigOpts()
    options.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    conf.set_override('connection', url, group=options.GROUP)
    queries.configure(conf)


def _release():
    """Close this process's connections to the alias database."""
    from nova_pci_alias.sources.database import queries

    queries.context_manager.dispose_pool()


def _write(job):
    """Run one write; return ``(outcome, message)``.

    ``outcome`` is ``"ok"`` or the name of the exception's class.
    """
    from nova_pci_alias.sources.database import queries

    kind, argument = job
    try:
        if kind == 'create':
            queries.create_entry(argument)
        elif kind == 'import':
            queries.import_entries(argument, 'the test', replace=True)
        elif kind == 'delete':
            queries.delete_alias(argument)
        elif kind == 'put':
            # (name, entries, if_match)
            name, entries, if_match = argument
            queries.put_alias(name, entries, if_match=if_match)
        elif kind == 'create_many':
            # (entries) one after the other, for a throughput figure.
            for one in argument:
                queries.create_entry(one)
        else:
            raise ValueError('unknown job %r' % (kind,))
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return 'ok', None


def _serve(pipe):
    # The heavy imports happen once, before the first job.
    from nova_pci_alias.sources.database import queries  # noqa: F401

    url = None
    pipe.send('ready')
    while True:
        message = pipe.recv()
        if message is None:
            return
        if message == 'release':
            _release()
            url = None
            pipe.send('released')
            continue
        job_url, job, start_at = message
        if job_url != url:
            _configure(job_url)
            url = job_url
        delay = start_at - time.time()
        if delay > 0:
            time.sleep(delay)
        pipe.send(_write(job))


class WriterPool:
    """Writer processes that run one round of concurrent writes at a time."""

    def __init__(self, size):
        context = multiprocessing.get_context('spawn')
        self._pipes = []
        self._processes = []
        for _ in range(size):
            here, there = context.Pipe()
            process = context.Process(target=_serve, args=(there,),
                                      daemon=True)
            process.start()
            self._pipes.append(here)
            self._processes.append(process)
        for pipe in self._pipes:
            pipe.recv()   # 'ready'

    @property
    def size(self):
        return len(self._pipes)

    def run(self, url, jobs):
        """Run a round: one job per writer, at the same time.

        :param url: the connection URL of the database to write to.
        :param jobs: ``(delay, job)`` pairs, at most :attr:`size`; ``delay``
            is the seconds that writer waits after the common start.
        :returns: the ``(outcome, message)`` of every job, in order.
        """
        start_at = time.time() + LEAD
        for pipe, (delay, job) in zip(self._pipes, jobs):
            pipe.send((url, job, start_at + delay))
        return [pipe.recv() for pipe, _ in zip(self._pipes, jobs)]

    def release(self):
        """Have every writer close its connections (the test is over)."""
        for pipe in self._pipes:
            pipe.send('release')
        for pipe in self._pipes:
            pipe.recv()

    def close(self):
        for pipe in self._pipes:
            try:
                pipe.send(None)
            except OSError:
                pass
        for process in self._processes:
            process.join(5)
            if process.is_alive():
                process.terminate()


_pool = None


def writer_pool(size):
    """Return the writer pool of this process, with ``size`` writers."""
    global _pool
    if _pool is None or _pool.size < size:
        if _pool is not None:
            _pool.close()
        _pool = WriterPool(size)
        atexit.register(_pool.close)
    return _pool
