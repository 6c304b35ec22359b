a=1
if a==1:
    def g(x):
        return x*2
print g(a)
