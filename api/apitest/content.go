package apitest

// The phrasebooks the synthetic conversations are built from: small coherent
// dialogues per language and topic. Visitors write plain text; the AI answers
// in Markdown, as Neoagent's bots do.

// Conversation topics. Booking conversations end in an Appointment, the
// others in a Lead.
const (
	topicBooking = iota
	topicPricing
	topicHours
	topicComplaint
	numTopics
)

// topicPaths are the pages the chats happen on, per topic.
var topicPaths = [numTopics]string{"booking", "pricing", "contact", "orders"}

const site = "https://www.example-shop.com"

type topic struct {
	requests []string    // the visitor's opening line, also the lead's Content
	answer   string      // the AI's first reply
	more     [][2]string // follow-ups: visitor, AI
}

// name is a name as shown and as it would appear in an email address.
type name struct{ shown, ascii string }

type phrasebook struct {
	lang        string // URL prefix; "" for English
	weight      int    // share of conversations
	familyFirst bool   // 佐藤花子, not 花子 佐藤
	greet       []string
	topics      [numTopics]topic
	general     [][2]string // follow-ups that fit any topic
	ask         string      // AI asks for contact details
	give        []string    // visitor leaves them: Sprintf(give, name, contact)
	confirm     string      // Sprintf(confirm, name)
	thanks      []string
	bye         []string
	first, last []name
	mailDomains []string
	phone       string // '#' is a random digit
}

var books = []*phrasebook{&spanish, &italian, &english, &japanese, &chinese}

var spanish = phrasebook{
	lang: "es", weight: 35,
	greet: []string{
		"¡Hola! 👋 Soy el asistente virtual de Example Shop. ¿En qué puedo ayudarte?",
		"¡Buenas! ¿Cómo puedo ayudarte hoy?",
	},
	topics: [numTopics]topic{
		topicBooking: {
			requests: []string{"Quiero reservar una cita para el jueves por la tarde", "¿Tenéis hueco mañana por la mañana? Necesito una cita"},
			answer:   "¡Claro! Tenemos estos huecos libres:\n\n- **Jueves** 16:00\n- **Jueves** 17:30\n- **Viernes** 10:00\n\n¿Cuál prefieres?",
			more: [][2]string{
				{"El jueves a las 17:30, por favor", "Perfecto, te reservo el **jueves a las 17:30**. Recibirás un recordatorio un día antes."},
				{"¿Puedo cambiar la cita si me surge algo?", "Sí, puedes cambiarla o cancelarla hasta **24 horas antes** sin coste."},
				{"¿Dónde estáis exactamente?", "Estamos en la *Calle Mayor 12, Madrid*. Aquí tienes el [mapa](" + site + "/es/contacto)."},
			},
		},
		topicPricing: {
			requests: []string{"¿Cuánto cuesta el plan mensual?", "Quería saber los precios para empresas"},
			answer:   "Estos son nuestros planes:\n\n| Plan | Precio |\n|---|---|\n| Básico | 19 €/mes |\n| Pro | 49 €/mes |\n| Empresa | a medida |\n\nTodos incluyen **14 días de prueba gratis**.",
			more: [][2]string{
				{"¿Hay descuento si pago un año entero?", "Sí: pagando anualmente tienes **2 meses gratis** 🎉"},
				{"¿Se puede pagar con PayPal?", "Aceptamos tarjeta, transferencia y PayPal. Más detalles en [precios](" + site + "/es/pricing)."},
			},
		},
		topicHours: {
			requests: []string{"¿A qué hora abrís los sábados?", "¿Estáis abiertos en festivos?"},
			answer:   "### Horario\n\n- Lunes a viernes: **9:00–20:00**\n- Sábados: **10:00–14:00**\n- Domingos y festivos: cerrado",
			more: [][2]string{
				{"¿Y en agosto?", "En agosto abrimos solo por las mañanas, de **9:00 a 14:00**."},
				{"¿Se puede aparcar cerca?", "Hay un parking público a 100 metros, en la Plaza de España."},
			},
		},
		topicComplaint: {
			requests: []string{"Mi pedido lleva dos semanas sin llegar y nadie me contesta", "Me habéis cobrado dos veces el mismo pedido"},
			answer:   "Siento mucho las molestias 😔. ¿Me puedes dar el **número de pedido**? Lo reviso ahora mismo.",
			more: [][2]string{
				{"Es el pedido 48213", "Gracias. El paquete está retenido en el almacén de transporte. Lo he marcado como **urgente** y un compañero te llamará hoy."},
				{"Quiero que me devolváis el dinero", "Entendido. He abierto una **solicitud de reembolso**; lo verás en tu cuenta en 3–5 días hábiles."},
			},
		},
	},
	general: [][2]string{
		{"¿Hacéis envíos a Canarias?", "Sí, enviamos a Canarias en **3–5 días laborables**. Los gastos se calculan al finalizar la compra."},
		{"¿Tenéis tienda física?", "Sí, en Madrid y Valencia. Consulta las direcciones en [tiendas](" + site + "/es/tiendas)."},
		{"vale", "¿Puedo ayudarte con algo más? 😊"},
	},
	ask:         "Para que un compañero te contacte, ¿me dejas tu **nombre** y un **email o teléfono**?",
	give:        []string{"Soy %s, %s", "%s — %s"},
	confirm:     "¡Gracias, %s! Te contactaremos lo antes posible.",
	thanks:      []string{"Muchas gracias", "Genial, gracias 🙏", "ok"},
	bye:         []string{"¡A ti! Que tengas un buen día 😊", "De nada. ¡Hasta pronto!"},
	first:       []name{{"Lucía", "lucia"}, {"Carmen", "carmen"}, {"Javier", "javier"}, {"Alejandro", "alejandro"}, {"Marta", "marta"}, {"Pablo", "pablo"}, {"Sofía", "sofia"}, {"Diego", "diego"}},
	last:        []name{{"García", "garcia"}, {"Martínez", "martinez"}, {"López", "lopez"}, {"Fernández", "fernandez"}, {"Sánchez", "sanchez"}, {"Romero", "romero"}, {"Navarro", "navarro"}},
	mailDomains: []string{"gmail.com", "hotmail.es", "outlook.com", "yahoo.es"},
	phone:       "+34 6## ### ###",
}

var italian = phrasebook{
	lang: "it", weight: 25,
	greet: []string{
		"Ciao! Come posso aiutarti?",
		"Buongiorno! 👋 Sono l'assistente di Example Shop. Di cosa hai bisogno?",
	},
	topics: [numTopics]topic{
		topicBooking: {
			requests: []string{"voglio prenotare un appuntamento", "Avete posto sabato mattina per un appuntamento?"},
			answer:   "Perfetto! Seleziona la data e l'orario che preferisci:\n\n- **Martedì** ore 9:30\n- **Mercoledì** ore 15:00\n- **Sabato** ore 11:00",
			more: [][2]string{
				{"Mercoledì alle 15 va benissimo", "Fatto! Ti ho prenotato **mercoledì alle 15:00**. Riceverai una conferma via email."},
				{"Posso portare anche mia figlia?", "Certo, nessun problema. Ti consiglio di segnalarlo all'arrivo."},
				{"Come faccio a disdire?", "Puoi disdire fino a **24 ore prima** dal link nella mail di conferma oppure qui in chat."},
			},
		},
		topicPricing: {
			requests: []string{"Quanto costa la consegna in Svizzera?", "Vorrei un preventivo per 50 pezzi"},
			answer:   "Ecco i costi di spedizione:\n\n1. **Italia**: gratuita sopra i 49 €\n2. **UE**: 9,90 €\n3. **Svizzera**: 19,90 € + dazi\n\nTrovi tutto nella pagina [spedizioni](" + site + "/it/spedizioni).",
			more: [][2]string{
				{"E per un ordine grande fate sconti?", "Sì, per ordini sopra i **500 €** lo sconto è del 10%. Per quantità maggiori prepariamo un preventivo su misura."},
				{"Accettate bonifico?", "Sì, accettiamo bonifico, carta e PayPal."},
			},
		},
		topicHours: {
			requests: []string{"Siete aperti la domenica?", "Fino a che ora siete aperti oggi?"},
			answer:   "I nostri orari:\n\n- **Lun–Ven**: 9:00–19:30\n- **Sabato**: 9:00–13:00\n- **Domenica**: chiuso",
			more: [][2]string{
				{"E a Ferragosto?", "Il 15 agosto siamo chiusi, riapriamo il **16 agosto** con orario normale."},
				{"C'è un parcheggio?", "Sì, c'è un parcheggio gratuito proprio davanti al negozio 🚗"},
			},
		},
		topicComplaint: {
			requests: []string{"Il prodotto è arrivato rotto", "Sto aspettando il rimborso da un mese"},
			answer:   "Mi dispiace molto! 😟 Puoi mandarmi il **numero d'ordine** e, se possibile, una foto del danno?",
			more: [][2]string{
				{"Ordine 77120, la foto ve la mando per email", "Grazie. Ho aperto una **pratica di reso**: riceverai l'etichetta di spedizione gratuita entro oggi."},
				{"Non è la prima volta che succede", "Hai ragione, ci scusiamo. Ho segnalato il problema al responsabile del magazzino."},
			},
		},
	},
	general: [][2]string{
		{"Spedite anche in Sardegna?", "Sì, spediamo in tutta Italia, isole comprese, in **2–4 giorni lavorativi**."},
		{"Avete un negozio a Milano?", "Sì, in *Corso Buenos Aires 33*. Trovi tutti i punti vendita [qui](" + site + "/it/negozi)."},
		{"ok", "Posso aiutarti in altro? 😊"},
	},
	ask:         "Per farti ricontattare da un collega, mi lasci **nome** ed **email o telefono**?",
	give:        []string{"Sono %s, %s", "%s\n%s"},
	confirm:     "Grazie %s! Ti ricontatteremo al più presto.",
	thanks:      []string{"grazie mille", "Perfetto, grazie!", "ok grazie 👍"},
	bye:         []string{"Figurati! Buona giornata ☀️", "A presto!"},
	first:       []name{{"Giulia", "giulia"}, {"Marco", "marco"}, {"Francesca", "francesca"}, {"Luca", "luca"}, {"Chiara", "chiara"}, {"Alessandro", "alessandro"}, {"Martina", "martina"}},
	last:        []name{{"Rossi", "rossi"}, {"Bianchi", "bianchi"}, {"Romano", "romano"}, {"Colombo", "colombo"}, {"Ricci", "ricci"}, {"Esposito", "esposito"}, {"Bruno", "bruno"}},
	mailDomains: []string{"gmail.com", "libero.it", "virgilio.it", "outlook.it"},
	phone:       "+39 3## ### ####",
}

var english = phrasebook{
	weight: 25,
	greet: []string{
		"Hi there! 👋 How can I help you today?",
		"Hello! I'm the Example Shop assistant. What can I do for you?",
	},
	topics: [numTopics]topic{
		topicBooking: {
			requests: []string{"I'd like to book an appointment for next week", "can i come in tomorrow afternoon?"},
			answer:   "Of course! Here are the next free slots:\n\n- **Monday** 10:00\n- **Tuesday** 14:30\n- **Thursday** 16:00\n\nWhich one works for you?",
			more: [][2]string{
				{"Tuesday 2:30 please", "Great, you're booked for **Tuesday at 14:30**. You'll get a reminder the day before."},
				{"Do I need to bring anything?", "Just a photo ID. If it's your first visit, please arrive **10 minutes early**."},
				{"what's the cancellation policy?", "You can cancel or reschedule for free up to **24 hours** before your appointment."},
			},
		},
		topicPricing: {
			requests: []string{"How much is the Pro plan?", "Do you have student discounts?"},
			answer:   "Here's an overview:\n\n- **Starter**: $19/month\n- **Pro**: $49/month\n- **Business**: custom pricing\n\nSee the full comparison on our [pricing page](" + site + "/pricing).",
			more: [][2]string{
				{"Is there a free trial?", "Yes, every plan comes with a **14-day free trial**, no credit card needed."},
				{"can I cancel anytime?", "Yes, you can cancel anytime from your account settings."},
			},
		},
		topicHours: {
			requests: []string{"What are your opening hours?", "Are you open on Sunday?"},
			answer:   "## Opening hours\n\n- Mon–Fri: **8am–6pm**\n- Sat: **9am–1pm**\n- Sun: closed",
			more: [][2]string{
				{"Are you open on public holidays?", "We're closed on public holidays. See our [holiday calendar](" + site + "/contact) for details."},
				{"Is there parking?", "Yes, there's free parking behind the building."},
			},
		},
		topicComplaint: {
			requests: []string{"I was charged twice for my order", "The item I received doesn't match the description"},
			answer:   "I'm really sorry about that. Could you share your **order number** so I can look into it?",
			more: [][2]string{
				{"It's #58102", "Thanks! I can see the duplicate charge. I've requested a **refund**, which should appear within 3–5 business days."},
				{"This is really frustrating", "I completely understand, and I apologise. I've flagged your case as a **priority**."},
			},
		},
	},
	general: [][2]string{
		{"Do you ship to Canada?", "Yes! Shipping to Canada takes **5–7 business days**."},
		{"do you have a discount code?", "Sign up to our newsletter and you'll get **10% off** your first order."},
		{"ok", "Anything else I can help with? 😊"},
	},
	ask:         "So a team member can follow up, could you leave your **name** and an **email or phone number**?",
	give:        []string{"I'm %s, %s", "%s / %s"},
	confirm:     "Thanks, %s! We'll be in touch shortly.",
	thanks:      []string{"thanks!", "Great, thank you", "ok"},
	bye:         []string{"You're welcome! Have a great day 😊", "Anytime. Bye for now!"},
	first:       []name{{"Emily", "emily"}, {"James", "james"}, {"Olivia", "olivia"}, {"Michael", "michael"}, {"Sarah", "sarah"}, {"David", "david"}, {"Jessica", "jessica"}},
	last:        []name{{"Smith", "smith"}, {"Johnson", "johnson"}, {"Brown", "brown"}, {"Taylor", "taylor"}, {"Miller", "miller"}, {"Wilson", "wilson"}, {"Clark", "clark"}},
	mailDomains: []string{"gmail.com", "outlook.com", "icloud.com", "yahoo.com"},
	phone:       "+1 (415) 555-01##", // 555-01xx is reserved for fiction
}

var japanese = phrasebook{
	lang: "ja", weight: 8, familyFirst: true,
	greet: []string{"こんにちは！👋 Example Shopのアシスタントです。ご用件をどうぞ。"},
	topics: [numTopics]topic{
		topicBooking: {
			requests: []string{"来週の予約をしたいです", "明日の午後に予約できますか？"},
			answer:   "かしこまりました。空いている時間は次のとおりです：\n\n- **月曜日** 10:00\n- **水曜日** 15:00\n\nどちらがよろしいですか？",
			more:     [][2]string{{"水曜日の15時でお願いします", "**水曜日 15:00** でご予約を承りました。前日にリマインダーをお送りします。"}},
		},
		topicPricing: {
			requests: []string{"料金プランを教えてください"},
			answer:   "料金は以下のとおりです：\n\n- **ベーシック**：月額 2,000円\n- **プロ**：月額 5,000円\n\n詳しくは[料金ページ](" + site + "/ja/pricing)をご覧ください。",
			more:     [][2]string{{"年払いの割引はありますか？", "はい、年払いの場合は **2か月分無料** になります。"}},
		},
		topicHours: {
			requests: []string{"営業時間は何時までですか？"},
			answer:   "営業時間は **平日 9:00〜18:00**、土曜は **10:00〜15:00** です。日曜・祝日は休業です。",
			more:     [][2]string{{"駐車場はありますか？", "はい、店舗の裏に無料駐車場がございます 🚗"}},
		},
		topicComplaint: {
			requests: []string{"注文した商品がまだ届きません"},
			answer:   "ご迷惑をおかけして申し訳ございません 🙇 **注文番号** を教えていただけますか？",
			more:     [][2]string{{"12345です", "確認いたしました。配送業者に問い合わせ、本日中にご連絡いたします。"}},
		},
	},
	general:     [][2]string{{"海外発送はできますか？", "はい、アジア・北米・ヨーロッパへの発送に対応しております。"}},
	ask:         "担当者からご連絡するため、**お名前** と **メールアドレスまたは電話番号** をお願いします。",
	give:        []string{"%sです。%s"},
	confirm:     "%s様、ありがとうございます！折り返しご連絡いたします。",
	thanks:      []string{"ありがとうございます", "よろしくお願いします 🙏"},
	bye:         []string{"どういたしまして。良い一日を！"},
	first:       []name{{"花子", "hanako"}, {"太郎", "taro"}, {"陽菜", "hina"}, {"健太", "kenta"}, {"美咲", "misaki"}},
	last:        []name{{"佐藤", "sato"}, {"鈴木", "suzuki"}, {"高橋", "takahashi"}, {"田中", "tanaka"}, {"伊藤", "ito"}},
	mailDomains: []string{"gmail.com", "yahoo.co.jp", "docomo.ne.jp"},
	phone:       "090-####-####",
}

var chinese = phrasebook{
	lang: "zh", weight: 7, familyFirst: true,
	greet: []string{"您好！👋 我是 Example Shop 的智能助手，有什么可以帮您？"},
	topics: [numTopics]topic{
		topicBooking: {
			requests: []string{"我想预约下周二的时间", "明天下午可以预约吗？"},
			answer:   "好的！目前可预约的时间有：\n\n- **周二** 10:00\n- **周四** 14:00\n\n请问您选哪个？",
			more:     [][2]string{{"周四下午两点吧", "已为您预约 **周四 14:00**，我们会在前一天发送提醒。"}},
		},
		topicPricing: {
			requests: []string{"你们的价格是多少？"},
			answer:   "我们的价格如下：\n\n- **基础版**：每月 99 元\n- **专业版**：每月 299 元\n\n详情请查看[价格页面](" + site + "/zh/pricing)。",
			more:     [][2]string{{"有优惠吗？", "年付可享 **八折** 优惠 🎉"}},
		},
		topicHours: {
			requests: []string{"你们几点关门？"},
			answer:   "营业时间：**周一至周五 9:00–18:00**，周六 **10:00–16:00**，周日休息。",
			more:     [][2]string{{"节假日营业吗？", "法定节假日休息，具体请看[营业时间](" + site + "/zh/contact)。"}},
		},
		topicComplaint: {
			requests: []string{"收到的商品有破损"},
			answer:   "非常抱歉给您带来不便 😔 请提供您的 **订单号**，我马上为您处理。",
			more:     [][2]string{{"订单号是 88231", "已为您登记 **退换货**，快递员会在两天内上门取件。"}},
		},
	},
	general:     [][2]string{{"可以开发票吗？", "可以的，下单时填写发票抬头即可。"}},
	ask:         "方便留下您的 **姓名** 和 **邮箱或电话** 吗？我们的同事会尽快联系您。",
	give:        []string{"我是%s，%s"},
	confirm:     "谢谢%s！我们会尽快与您联系。",
	thanks:      []string{"谢谢", "好的，谢谢 🙏"},
	bye:         []string{"不客气，祝您生活愉快！"},
	first:       []name{{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"静", "jing"}, {"磊", "lei"}},
	last:        []name{{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}},
	mailDomains: []string{"qq.com", "163.com", "gmail.com"},
	phone:       "+86 138 #### ####",
}
