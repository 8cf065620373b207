"""Common English words, commonest first, written out here (nothing is downloaded).

Two tiers, each roughly in order of how often the words occur in everyday English:
`EVERYDAY` (about the thousand commonest words: they name no topic on their own) and
`FAMILIAR` (the next few thousand: ordinary words a member may well type on purpose). Lookups go
through `stem`, so "founded", "founding" and "founders" are known through "found" and
"founder". The matcher uses the tiers to leave real words alone when correcting typos and to
weigh the words a knowledge base has never seen.
"""

from __future__ import annotations

from bot.core.matching.text import stem


def _split(text: str) -> list[str]:
    return text.split()


_EVERYDAY = _split("""
the be to of and a in that have i it for not on with he as you do at this but his by from they
we say her she or an will my one all would there their what so up out if about who get which go
me when make can like time no just him know take people into year your good some could them see
other than then now look only come its over think also back after use two how our work first
well way even new want because any these give day most us is was are were been has had did said
made went got came took saw knew thought told found gave became left felt kept began seemed
help show heard played ran moved lived believed brought happened wrote provided sat stood lost
paid met included continued set learned changed led understood watched followed stopped created
spoke read allowed added spent grew opened walked won offered remembered loved considered
appeared bought waited served died sent expected built stayed fell cut reached killed remained
suggested raised passed sold required reported decided pulled man woman child world life hand
part place case week company system program question government number night point home water
room mother area money story fact month lot right study book eye job word business issue side
kind head house service friend father power hour game line end member law car city community
name president team minute idea kid body information back parent face others level office door
health person art war history party result change morning reason research girl guy moment air
teacher force education foot boy age policy everything process music market sense nation plan
college interest death experience effect class control care field development role effort rate
heart drug show leader light voice wife police mind price report decision son view relationship
town road arm difference thing value building action model season society tax director position
player record paper space ground form event official matter center couple site project activity
star table need court oil situation cost industry figure street image phone data picture practice
piece land product doctor wall patient worker news test movie north love support technology step
baby computer type attention film tree source organization hair window evidence population site
along around down off above below across behind between near through under without against
among during before after since until upon within toward towards inside outside onto per
great little own old big high different small large next early young important few public bad
same able last long best better sure free full special easy clear recent certain personal open
red difficult available likely short single medical current wrong private past foreign fine
common poor natural significant similar hot dead central happy serious ready simple left
physical general environmental financial blue democratic dark various entire close legal
religious cold final main green nice huge popular traditional cultural black white strong real
true whole human local social national political economic international military federal
able late hard major better low possible economic free fast slow quick cheap expensive safe
dangerous rich deep wide heavy light warm cool soft loud quiet busy lucky sorry glad afraid
never always often sometimes usually really very still already again ever also perhaps maybe
probably actually almost especially quite rather together soon today tomorrow yesterday tonight
later once twice enough far less least more much many several each every either neither both
yes no okay ok please thanks thank hello hi bye sorry anyway however therefore though although
while whereas unless whether yet instead otherwise else anyone anybody anything anywhere
everyone everybody everywhere someone somebody something somewhere nobody nothing nowhere
here there where why how what when who whom whose which mostly mainly nearly barely hardly
clearly simply exactly directly finally recently currently certainly obviously apparently
seriously completely totally fully entirely largely partly slightly truly really basically
literally honestly generally normally typically usually eventually immediately suddenly quickly
slowly easily carefully properly
run ask try call keep let begin seem help talk turn start show hear play move live believe hold
bring happen write provide sit stand lose pay meet include continue set learn change lead
understand watch follow stop create speak read allow add spend grow open walk win offer remember
love consider appear buy wait serve die send expect build stay fall cut reach kill remain
suggest raise pass sell require report decide pull return explain hope develop carry break
receive agree support hit produce eat cover catch draw choose cause point listen realize place
close involve increase sign wonder join drive pick wish enter deal accept fight prepare share
fill finish protect worry hate save forget teach travel throw visit check enjoy describe act
compare prove mention apply notice measure miss plan fail argue clean wear sing dance cook
drink sleep wake smile laugh cry shout answer reply thank push pull lift drop touch feel sound
smell taste fly swim climb ride jump kick shoot fix mix fit hang hide lie lay rise shake shine
sink spin split spread steal stick strike swing tear throw wash wind wrap count
""")

_FAMILIAR = _split("""
ability accept access accident account achieve acid acquire actor actress actual adapt address
adult advance advantage adventure advertise advice affair afford afternoon agency agenda agent
aggressive agreement ahead aim aircraft airline airport alarm album alcohol alive alliance
alright alter alternative amazing ambition amount analysis ancient anger angle angry animal
announce annual anxiety apart apartment apology apparent appeal apple appointment approach
appropriate approve argument arise army arrange arrest arrival arrive article artist aside
asleep aspect assess asset assist assume atmosphere attach attack attempt attend attitude
attract audience author authority automatic autumn average avoid award aware awful
background bag balance ball band bank bar base basic basket bath battle beach bear beat
beautiful beauty bed bedroom beer behave behavior belief bell belong bench bend benefit bet
bike bill billion bird birth birthday bit bite bitter blame blank blind block blood blow board
boat bomb bond bone bonus border bored boring born borrow boss bother bottle bottom bowl box
brain branch brand brave bread breakfast breath brick bridge brief bright brilliant broad
broke broken brother brown brush budget bug bunch burn bus bush butter button cabinet cable cake
calculate calm camera camp campaign cancel cancer candidate cap capable capacity capital captain
card career careful carpet cash cast castle cat category cell chain chair chairman challenge
champion chance channel chapter character charge charity chart chat cheat cheek cheese chef
chemical chest chicken chief childhood chip chocolate church cigarette cinema circle citizen
civil claim classic classroom clever client climate clock cloth clothes cloud club clue coach
coast coat code coffee coin collapse colleague collect collection colour color column combine
comfort comfortable command comment commercial commission commit commitment committee
communicate comparison compete competition complain complaint complete complex component
concentrate concept concern concert conclude conclusion condition conduct conference confidence
confirm conflict confuse confused connect connection conscious consequence conservative
constant construct consumer contact contain content contest context contract contrast
contribute conversation convince cook cookie copy corner correct corridor cottage cotton
council count counter country countryside county courage course cousin cow crack craft crash
crazy cream creative creature credit crew crime criminal crisis criticism crop cross crowd
crucial cruel cry cultural culture cup cupboard curious currency curtain curve custom customer
cycle dad daily damage dance danger dare date daughter dead deadline dear debate debt decade
decent declare decline decrease deep defeat defend defense define degree delay deliberate
delicious deliver delivery demand demonstrate deny department depend deposit depressed depth
deputy describe description desert deserve design desire desk despite destroy detail detect
determine device devil diet differ digital dinner direct direction dirty disagree disappear
disaster discipline discount discover discovery discuss discussion disease dish dismiss display
distance distinct distribute district divide division divorce document dog dollar domestic
dominate double doubt downtown dozen draft drag drama dramatic dream dress drink driver dry
due dust duty eager ear earn earth ease east eastern economy edge edit edition editor educate
egg elderly elect election electric electricity element elephant elevator email embarrassed
emerge emergency emotion emotional emphasis employ employee employer empty encourage enemy
energy engage engine engineer engineering enormous ensure entertain entertainment enthusiasm
entrance entry envelope environment episode equal equipment error escape essay essential
establish estate estimate evening eventually evil exact exam examine excellent exchange excited
exciting excuse executive exercise exhibition exist existence exit expand expansion expense
experiment expert explain explore explosion export expose express expression extend extent
extra extreme fabric facility factory fail failure fair faith false familiar family famous fan
fancy fantastic farm farmer fashion fat fault favor favorite fear feature fee feed feeling fellow
female fence festival fiction field fifth fight file final finance find finger fire firm fish
fit flag flat flavor flight float flood floor flow flower fly focus fold folk food fool football
forecast forest forever forgive fork formal former fortune forward found foundation founder frame
frankly freedom freeze frequent fresh fridge friendly frighten front fruit frustrated fuel fun
function fund funny furniture future gain gallery gap garage garbage garden gas gate gather
gay gear gender gene generate generation generous gentle gentleman genuine gift glass global
glove goal god gold golf gorgeous grab grade gradually grain grand grandfather grandmother
grant grass grave gray grey guarantee guard guess guest guide guilty gun habit half hall
handle handsome hang harm hat headache headline heal healthy heat height hell helpful hero hide
highlight highway hill hire historic historical hobby holiday hole holy homework honest honey
honor hope horrible horror horse hospital host hotel household housing hug humor hungry hunt
hurry hurt husband ice ideal identify identity ignore ill illegal illness illustrate imagine
immediate impact implement imply import impose impress impression impressive improve incident
income incredible indeed independent index indicate individual industrial infection influence
inform initial injury ink inner innocent input insect insist install instance institution
instruction instrument insurance intelligent intend intense intention interested interesting
internal internet interpret interrupt interview introduce invest investigate investigation
invite iron island item jacket jail jeans jewelry joint joke journal journey joy judge judgment
juice jump junior jury justice justify keen key keyboard kid kill kilometer kiss kitchen knee
knife knock knowledge label labor lack lady lake lamp landscape lane language laptop largely
laugh launch lawyer layer lazy leaf league lean lecture leg legend leisure lemon lend length
lesson letter library license lid lift limit link lip liquid list literature living load loan
lock log lonely long loose lord lorry loud lovely lower loyal luck lunch luxury machine mad
magazine magic mail maintain majority male manage management manager manner manufacture map
mark marriage married mask mass massive master match mate material math maximum meal meaning
means meanwhile meat media medicine medium meeting melt membership memory mental menu mere mess
message metal method middle midnight mild milk million mine minimum minister minor mirror
mission mistake mix mobile modern mom monitor monkey mood moon moral motor mount mountain mouse
mouth movement mud murder muscle museum mystery nail narrow nasty native nature navy neat
necessary neck negative neighbor neighborhood nerve nervous net network neutral newspaper nice
noise noisy none normal northern nose note notebook notice notion novel nuclear nurse nut
object objective obligation observe obtain obvious occasion occupy occur ocean odd offense
offensive officer oh online opera operate operation opinion opponent opportunity oppose
opposite option orange order ordinary organ organize origin original outcome outfit output
oven overall owe owner pace pack package page pain paint painting pair palace pale pan panel
panic pants parent park parking partly partner party passage passenger passion passport
password pasta path patience pattern pause peace peak pen penalty pencil pension pepper
percent perfect perform performance period permanent permission permit personality
perspective persuade pet phase philosophy photo photograph phrase physics piano pick pie pig
pile pilot pin pink pipe pitch pity pizza plain planet plant plastic plate platform
pleasant pleased pleasure plenty plot plus pocket poem poet poetry poison pole polite pool
pop port portion portrait pose possess possession post pot potato potential pound pour poverty
powder powerful practical praise pray prayer precise predict prefer pregnant premium presence
present preserve press pressure pretend pretty prevent previous pride priest primary prime
prince princess principal principle print prior priority prison prisoner prize procedure proceed
produce producer profession professional professor profile profit progress prohibit promise
promote prompt proof proper property proportion proposal propose prospect protest proud
psychology pub publish punch punish purchase pure purple purpose purse pursue puzzle quality
quantity quarter queen quest quiet quit quite quote race racing radio rail rain range rank rapid
rare rarely rat raw razor react reaction reader reality realistic rear reasonable recall receipt
reception recipe recognize recommend recover recovery reduce refer reference reflect reform
refuse regard region register regret regular regulation reject relate relative relax release
relevant relief religion rely remark remind remote remove rent repair repeat replace represent
reputation request rescue reserve resident resist resolve resort resource respect respond
response responsibility rest restaurant restore restrict retain retire retirement reveal
revenue review reward rhythm rice ride ring rise risk river rock rocket rod romantic roof root
rope rough round route routine row royal rub rubber rubbish rude ruin rule rumor rural rush
sad safety sail salad salary sale salt sample sand sandwich satisfy sauce scale scare scared
scene schedule scheme scholar science scientist scope score scratch scream screen script sea
search seat second secret secretary section sector secure security seed seek segment select
selection senior sensitive sentence separate sequence series session settle setting severe
sex shade shadow shame shape share sharp shed sheep sheet shelf shell shelter shift shine ship
shirt shock shoe shoot shop shopping shore shoulder shower sick sight signal signature silence
silly silver similar sin sing singer sink sister situation size skill skin skirt sky slave
slice slide slight slip smart smoke smooth snake snow soap soccer sock software soil soldier
solid solution solve song sort soul soup south southern spare speaker speech speed spell
spirit split sport spot spring square stable staff stage stair stake stamp standard stare
station status steady steak steal steam steel steep stick stomach stone storage store storm
strange stranger strategy stream strength stress stretch strict string stroke structure
struggle student studio stuff stupid style subject submit substance succeed success successful
sudden suffer sugar suit suitable summer sun supply suppose surface surgery surprise surprised
surround survey survive suspect sweet swim switch symbol sympathy tale talent tank tap tape
target task taxi tea teaching tear technical technique teenager telephone television temperature
temporary tend tennis tension tent term terrible territory text theater theme theory thick thief
thin threat threaten throat ticket tie tight tip tired title toe toilet tomato tone tongue tool
tooth top topic total tough tour tourist towel tower toy track trade tradition traffic train
training transfer transform transition translate transport trap trash treat treatment trend
trial trick trip troop trouble truck trust truth tube tune tunnel twin typical ugly unable
uncle undergo unemployment unfair unfortunately uniform union unique unit universe university
unknown unlikely upper upset urban urge urgent useful useless user usual vacation valley valuable
variety vast vegetable vehicle venture version victim victory video village violence virtual
virus visible vision visitor visual vital vote wage waste weak wealth weapon weather web
website wedding weekend weigh weight welcome welfare west western wet wheel whisper wide
widely wild willing wine wing winner winter wire wise witness wonderful wood wooden wool
worried worse worst worth wound writer writing yard yellow youth zone
""")

EVERYDAY: frozenset[str] = frozenset(_EVERYDAY)
FAMILIAR: frozenset[str] = frozenset(_FAMILIAR) - EVERYDAY
_EVERYDAY_STEMS = frozenset(map(stem, EVERYDAY))
_KNOWN_STEMS = _EVERYDAY_STEMS | frozenset(map(stem, FAMILIAR))


def is_everyday(word: str) -> bool:
    """Whether `word` (or its stem) is among the commonest English words."""
    return word in EVERYDAY or stem(word) in _EVERYDAY_STEMS


def is_english(word: str) -> bool:
    """Whether `word` (or its stem) is a common English word, of either tier."""
    return word in EVERYDAY or word in FAMILIAR or stem(word) in _KNOWN_STEMS
