from parallel import *
from util import *
from taskfarm import *
from math import *
from random import *
from array import *
from memory import *
from concurrency import *
x=[3,1,2]
oddSort(x)
print sqrt(x[0]+0.0)
print randint(1, 5) > 0
initTaskFarm(0)
