/* task farm: core 0 hands function calls to the other cores and collects the results */
from parallel import *
from taskfarm import *

def square(x):
    return x*x

def total(values):
    s=0
    for v in values:
        s=s+v
    return s

def countdown(a, b):
    return a-b

initTaskFarm(0)
if coreid() == 0:
    execFunction(1, square, 7)
    execFunction(2, total, [1, 2, 3, 4])
    execFunction(3, square, 2.5)
    print "square(7) = "+waitFunctionFinish(1)
    print "total = "+waitFunctionFinish(2)
    print "square(2.5) = "+waitFunctionFinish(3)
    execFunction(1, countdown, 10, 3)
    print "countdown = "+waitFunctionFinish(1)
    shutdownTaskFarm()
    print "farm closed"
else:
    worker()
    print "worker "+coreid()+" stopped"
