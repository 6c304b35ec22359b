def f(s):
    print s
f(str(3))
f("lit")
