import random
random.seed(20261124)
toks = ['a','b','c','.','%a','%d','%s','%w','%W','%p','%z','[ab]','[^a]','[a-c]','[%d%s]','[]]','[^]a]','(',')','()','%1','%2','%b()','%bab','%f[%w]','%f[%W]','*','+','-','?','?','*','-','+','%','[','%f','%b',' ','1','(a)','(.-)','(%a+)','x*']
subj_alpha = "aabbcc  12(()).-%x\0"
lines = []
for i in range(2500):
    n = random.randint(0, 6)
    p = ''.join(random.choice(toks) for _ in range(n))
    r = random.random()
    if r < 0.15: p = '^' + p
    elif r < 0.3: p = p + '$'
    s = ''.join(random.choice(subj_alpha) for _ in range(random.randint(0, 12)))
    init = random.choice([1,1,1,1,0,2,-1,-3,5,20])
    lines.append((s, p, init))
with open('cases.txt','w') as f:
    for s,p,init in lines:
        f.write(s.encode('latin1').hex() + ' ' + p.encode('latin1').hex() + ' ' + str(init) + '\n')
