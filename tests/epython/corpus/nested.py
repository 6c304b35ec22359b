def outer(a):
    if a>0:
        while a>0:
            a=a-1
            for i in [1,2]:
                print i
    else:
        print "neg"
outer(2)
