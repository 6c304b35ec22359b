/* point to point: a token goes round the ring of cores, each adding its id; core 0 sends
   a list of squares to the last core; core 1 sends core 0 a real */
from parallel import *

me=coreid()
n=numcores()
token=me
if n > 1:
    if me == 0:
        send(token, 1)
        token=recv(n-1)
        print "token came back as "+token
    else:
        got=recv(me-1)
        token=got+me
        send(token, (me+1)%n)
        print "passed on "+token
    if me == 0:
        values=[0]*n
        i=0
        while i < n:
            values[i]=i*i
            i+=1
        send(values, n-1, n)
    if me == n-1:
        back=recv(0, n)
        total=0
        for v in back:
            total=total+v
        print "received "+n+" values, total "+total
    if me == 1: send(2.5*n, 0)
    if me == 0: print "real from core 1: "+recv(1)
else:
    print "alone, no messages"
