"""Running gait from video or keypoints: pose → signals → events → metrics → Findings."""
