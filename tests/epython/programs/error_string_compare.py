/* a run-time error: strings can only be tested for equality */
a="apple"
b="banana"
if a == "apple": print "equality works"
if a < b: print "never printed"
print "never printed"
