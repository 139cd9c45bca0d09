"""The windows of BAOM Desk (desk, kiosk, waiting-room display): the only QtWidgets code."""
