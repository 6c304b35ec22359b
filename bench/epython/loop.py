/* bench: a counting loop on one core (spec §7's loop, 20,000 iterations) */
i=0
s=0
while i < 20000:
    s=s+i
    i=i+1
print s
