"""National forums and drop-ins, invitations and attendance, surveys and the 360 evaluation."""
