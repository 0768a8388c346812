"""Video in, keypoints out: reading the clip, running pose, choosing the runner, checking the filming."""
