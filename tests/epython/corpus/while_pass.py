i=0
while i<2:
    pass
    i+=1
if i==2:
    pass
