def stop(c):
    if c: exit()
    return 1
print stop(false)
