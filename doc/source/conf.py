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

"""Sphinx configuration of the nova_pci_alias documentation."""

extensions = [
    'sphinx.ext.autodoc',
    'cliff.sphinxext',
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'oslo_policy.sphinxext',
    'stevedore.sphinxext',
]

# openstackdocstheme.
# This repository is not hosted on opendev.org and has no Launchpad or
# StoryBoard project, so the theme's "view source" and "report a bug" links
# would point nowhere: an empty repository name and bug project turn them
# off.  Name the real repository and bug tracker here once they exist.
openstackdocs_repo_name = ''
openstackdocs_use_storyboard = False
openstackdocs_bug_project = ''
openstackdocs_bug_tag = ''
openstackdocs_auto_name = False

project = 'nova_pci_alias'
copyright = '2026, the nova_pci_alias authors'
source_suffix = '.rst'
master_doc = 'index'
exclude_patterns = []
add_module_names = True
pygments_style = 'native'
autodoc_member_order = 'bysource'

html_theme = 'openstackdocs'
html_static_path = []
