/* a run-time error: only numbers travel between cores */
from parallel import *

print "sending"
send("text", 0)
print "never printed"
