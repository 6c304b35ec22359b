@exportable
def never():
    return 5
def unused():
    return 6
print 1
