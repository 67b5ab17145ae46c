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

"""Tests of OptionGroup, the group every options module declares."""

from oslo_config import cfg
from oslotest import base

from nova_pci_alias import optgroups


def example():
    return optgroups.OptionGroup(
        'example', title='An example', help='What it is for.',
        opts=[cfg.IntOpt('size', default=1, help='A size.')])


class TestOptionGroup(base.BaseTestCase):

    def parsed(self, group):
        conf = cfg.ConfigOpts()
        group.register(conf)
        conf([], default_config_files=[], default_config_dirs=[])
        return conf

    def test_register_gives_the_options(self):
        self.assertEqual(1, self.parsed(example()).example.size)

    def test_defaults_stay_in_their_configuration(self):
        group = example()
        first, second = self.parsed(group), self.parsed(group)
        first.set_default('size', 5, group='example')
        self.assertEqual(1, second.example.size)

    def test_overrides_stay_in_their_configuration(self):
        group = example()
        first, second = self.parsed(group), self.parsed(group)
        first.set_override('size', 5, group='example')
        self.assertEqual((5, 1), (first.example.size, second.example.size))

    def test_listed_group_has_the_title_and_help(self):
        [(group, _)] = example().list_opts()
        self.assertEqual(('example', 'An example', 'What it is for.'),
                         (group.name, group.title, group.help))

    def test_listed_options_are_copies(self):
        group = example()
        [(_, listed)] = group.list_opts()
        listed[0].default = 7
        self.assertEqual(1, group.opts[0].default)

    def test_more_options_are_listed_after_the_group_own(self):
        more = [cfg.StrOpt('name')]
        [(_, listed)] = example().list_opts(more)
        self.assertEqual(['size', 'name'], [opt.name for opt in listed])
