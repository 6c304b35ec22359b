x=1
if x==1: return
print x
