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

"""One oslo.config option group, as every options module declares it.

Each options module of the package (:mod:`nova_pci_alias.opts`, and the
``options`` module of the service and of each source) describes its group
once, with an :class:`OptionGroup`, and uses it both to register the options
on a configuration and to list them for ``oslo-config-generator``.

The point of the class is the :class:`oslo_config.cfg.OptGroup` it makes:
a new one for each configuration.  oslo.config keeps a group's overrides
(``set_override``, ``set_default``) on the ``OptGroup`` object it was given,
so one object shared by two configurations would carry an override made on
one into the other.

This module imports nothing of the package, so that any layer may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
import copy

from oslo_config import cfg


class OptionGroup:
    """The name, description and options of one group.

    :param name: the group's name, e.g. ``pci_alias``.
    :param title: a one-line title, for the sample configuration.
    :param help: what the group is for.
    :param opts: the options registered in the group by :meth:`register`
        and listed by :meth:`list_opts`.
    """

    def __init__(self, name: str, title: str, help: str,
                 opts: Iterable[cfg.Opt] = ()) -> None:
        self.name = name
        self.title = title
        self.help = help
        self.opts = list(opts)

    def group(self) -> cfg.OptGroup:
        """Return a new :class:`~oslo_config.cfg.OptGroup` for the group.

        A new object at each call: one per configuration it is registered
        on, or listed for.
        """
        return cfg.OptGroup(self.name, title=self.title, help=self.help)

    def register(self, conf: cfg.ConfigOpts) -> None:
        """Register the group and its options on ``conf``."""
        conf.register_group(self.group())
        conf.register_opts(self.opts, group=self.name)

    def list_opts(self, *more: Iterable[cfg.Opt]
                  ) -> list[tuple[cfg.OptGroup, list[cfg.Opt]]]:
        """Return ``[(OptGroup, [Opt, ...])]`` for ``oslo-config-generator``.

        :param more: further options to list after the group's own (options
            registered by a library's own helpers, say); listed as given.
        :returns: a list of one tuple; the group's own options are copies,
            which the caller may change.
        """
        listed = copy.deepcopy(self.opts)
        for opts in more:
            listed.extend(opts)
        return [(self.group(), listed)]
