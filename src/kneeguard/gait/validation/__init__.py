"""Checking the video analysis against motion capture seen by a virtual camera."""
