/* task farm: core 0 hands calls of square() out to the workers, a round at a time, then
   asks the last core for the total of the results; on one core it does the work itself */
from parallel import *
from taskfarm import *

def square(x):
    return x*x

def total(values):
    s=0
    for v in values:
        s=s+v
    return s

TASKS=6
n=numcores()
initTaskFarm(0)
if coreid() == 0:
    results=[0]*(TASKS+1)
    if n == 1:
        t=1
        while t <= TASKS:
            results[t]=square(t)
            t+=1
    else:
        t=1
        while t <= TASKS:
            first=t
            w=1
            while w < n and t <= TASKS:
                execFunction(w, square, t)
                w+=1
                t+=1
            w=1
            k=first
            while k < t:
                results[k]=waitFunctionFinish(w)
                w+=1
                k+=1
    line="squares:"
    t=1
    while t <= TASKS:
        line=line+" "+results[t]
        t+=1
    print line
    if n > 1:
        execFunction(n-1, total, results)
        print "total on core "+(n-1)+": "+waitFunctionFinish(n-1)
        shutdownTaskFarm()
    print "farm closed"
else:
    worker()
    print "worker "+coreid()+" stopped"
