"""python-dbusmock's networkmanager template with eth0 already listed when the name is taken.

A NetworkManager that (re)starts with its devices: whoever reads it on its appearance must find
eth0 in the manager's Devices, not wait for a DeviceAdded. Parameter "eth0": its NMDeviceState
(default 100, activated).
"""

from dbusmock.templates import networkmanager as _nm
from dbusmock.templates.networkmanager import *  # noqa: F401,F403 (the template's methods)


def load(mock, parameters):
    _nm.load(mock, parameters)
    mock.AddEthernetDevice("mock_eth0", "eth0", int(parameters.get("eth0", 100)))
