"""人事: employee register, attendance, monthly timesheets, 36協定 limits, 年次有給休暇 and its 管理簿."""
