for i in [1]:
    def f():
        print 1
    f()
