x=1
if x==1:
    y=2
    print y
def f():
    print x
    z=3
f()
while x<3:
    x=x+1
    y=5
