#!/usr/bin/python3
"""A real RTSP "camera" for tests: GStreamer's RTSP server serving H.264 MPEG-TS files.

usage: /usr/bin/python3 rtsp-server.py PORT /mount=/path/clip.ts [/other=/path/b.ts ...]
With env RTSP_AUTH=user:password every mount requires that login (HTTP Basic over RTSP).
Prints "ready" on stdout once listening. Each client gets its own pipeline from the start of the
file (not shared), so a test always sees a keyframe first. Exits when stdin closes (parent gone).
"""
import os
import sys
import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib  # noqa: E402

Gst.init(None)
port = sys.argv[1]
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
mounts = server.get_mount_points()
permissions = None
if os.environ.get('RTSP_AUTH'):
    user, password = os.environ['RTSP_AUTH'].split(':', 1)
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', 'camera-user')
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role('camera-user', 'media.factory.access', True)
    permissions.add_permission_for_role('camera-user', 'media.factory.construct', True)
for spec in sys.argv[2:]:
    mount, path = spec.split('=', 1)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(f'( filesrc location="{path}" ! tsdemux ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )')
    factory.set_shared(False)
    if permissions is not None:
        factory.set_permissions(permissions)
    mounts.add_factory(mount, factory)
if server.attach(None) == 0:
    sys.exit('could not bind port ' + port)
loop = GLib.MainLoop()
GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_HUP | GLib.IO_IN, lambda *a: (loop.quit(), False)[1])
print('ready', flush=True)
loop.run()
