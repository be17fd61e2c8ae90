"""The web client's static files (issue 9), served by `hubbub.server.web` at `/`.

Plain ES modules and CSS under `static/`: no build step, nothing fetched from elsewhere.
"""
