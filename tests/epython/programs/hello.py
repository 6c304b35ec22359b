/* hello: every core greets, then says who it is */
from parallel import *

print "Hello world"
print "I am core "+coreid()+" of "+numcores()
