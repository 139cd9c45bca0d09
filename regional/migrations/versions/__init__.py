"""The regional migration scripts, one per revision, numbered "0001", "0002"…"""
