//! Every word the UI shows, in English and Spanish. A screen never writes a sentence itself:
//! it asks for a [`Msg`] in the chosen [`Lang`] (or calls one of the small formatting
//! functions below for sentences with numbers in them). Campaign data (result codes, survey
//! questions) carries its own `label_en` / `label_es` and is shown through [`Lang::pick`].
//! The lead's screens' sentences are in [`lead`] and [`campaign_data`], my network's in
//! [`network`].

pub mod campaign_data;
pub mod lead;
pub mod network;

use groundgame_core::fold::DoorState;
use groundgame_core::TimeZone;

/// The language the volunteer chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// The `lang` attribute for the document.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The other language (for the EN/ES switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// Choose between campaign data's two labels.
    pub fn pick<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Es if es.trim().is_empty() => en,
            Lang::Es => es,
        }
    }

    /// A fixed message.
    pub fn t(self, msg: Msg) -> &'static str {
        let (en, es) = msg.texts();
        self.pick(en, es)
    }
}

macro_rules! messages {
    ($($name:ident => ($en:expr, $es:expr),)*) => {
        /// A fixed UI message; [`Msg::texts`] is the key table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name,)* }

        impl Msg {
            /// Every message (for tests that check the table is complete).
            pub const ALL: &'static [Msg] = &[$(Msg::$name,)*];

            /// (English, Spanish).
            pub fn texts(self) -> (&'static str, &'static str) {
                match self { $(Msg::$name => ($en, $es),)* }
            }
        }
    };
}

messages! {
    AppName => ("Groundgame", "Groundgame"),
    SwitchLanguage => ("Español", "English"),
    SwitchLanguageLabel => ("Cambiar a español", "Switch to English"),
    Loading => ("Loading…", "Cargando…"),
    LightTheme => ("Light", "Claro"),
    DarkTheme => ("Dark", "Oscuro"),
    LightThemeLabel => ("Light theme for sunlight", "Tema claro para el sol"),
    DarkThemeLabel => ("Dark theme", "Tema oscuro"),
    Back => ("Back", "Volver"),
    BackToTurfs => ("My turfs", "Mis zonas"),
    NotFoundTitle => ("This page does not exist", "Esta página no existe"),
    NotFoundHelp => ("Go back to your turfs and pick one.", "Vuelva a sus zonas y elija una."),
    SomethingWentWrong => ("Something went wrong on this screen", "Algo falló en esta pantalla"),
    SomethingWentWrongHelp => (
        "Your saved records are safe. Go back to your turfs and try again; if it keeps happening, restart the app.",
        "Sus registros guardados están a salvo. Vuelva a sus zonas e inténtelo de nuevo; si sigue pasando, reinicie la aplicación."
    ),
    // Sync bar
    Online => ("Online", "En línea"),
    Offline => ("Offline", "Sin conexión"),
    Syncing => ("Syncing…", "Sincronizando…"),
    NotJoined => ("Not joined", "Sin unirse"),
    SignedOut => ("Signed out", "Sesión cerrada"),
    Revoked => ("Removed by your lead", "Retirado por su líder"),
    AllSynced => ("All records synced", "Todo sincronizado"),
    NeverSynced => ("Not synced yet", "Aún sin sincronizar"),
    SyncNow => ("Sync now", "Sincronizar"),
    TechnicalDetails => ("Technical details", "Detalles técnicos"),
    NoteLabel => ("Note", "Nota"),
    OfflineHelp => (
        "No signal? Keep going: everything is saved on this phone and syncs when the connection is back.",
        "¿Sin señal? Siga adelante: todo queda guardado en este teléfono y se sincroniza cuando vuelva la conexión."
    ),
    SignedOutHelp => (
        "Ask your lead for a new invite code and join again; your records stay on this phone.",
        "Pida a su líder un nuevo código de invitación y únase de nuevo; sus registros se quedan en este teléfono."
    ),
    RevokedHelp => (
        "A lead signed this phone out and removed the campaign's data. Ask your lead for a new invite code.",
        "Un líder cerró la sesión de este teléfono y borró los datos de la campaña. Pida a su líder un nuevo código."
    ),
    Downloading => ("Downloading your turfs", "Descargando sus zonas"),
    DownloadPaused => ("Download paused until the signal is back; it picks up where it stopped", "Descarga en pausa hasta que vuelva la señal; seguirá donde se quedó"),
    LastProblem => ("Last problem:", "Último problema:"),
    SyncProblem => (
        "Syncing did not work. Your records are saved here and it will try again by itself; if it keeps happening, tell your lead.",
        "La sincronización no funcionó. Sus registros están guardados aquí y se volverá a intentar sola; si sigue pasando, avise a su líder."
    ),
    // Join
    JoinTitle => ("Join your campaign", "Únase a su campaña"),
    JoinIntro => (
        "Your lead gives you the server address and an invite code. You only do this once.",
        "Su líder le da la dirección del servidor y un código de invitación. Solo lo hace una vez."
    ),
    ServerAddress => ("Server address", "Dirección del servidor"),
    ServerAddressHint => ("Like https://field.example.org", "Como https://field.example.org"),
    InviteCode => ("Invite code", "Código de invitación"),
    InviteCodeHint => (
        "From your lead. Already in the campaign on another device? Use the code it shows under “Use Groundgame on another device”.",
        "De su líder. ¿Ya está en la campaña en otro dispositivo? Use el código que muestra en “Usar Groundgame en otro dispositivo”."
    ),
    LinkEntry => ("Use Groundgame on another device", "Usar Groundgame en otro dispositivo"),
    LinkTitle => ("Use Groundgame on another device", "Usar Groundgame en otro dispositivo"),
    LinkHelp => (
        "A laptop for calls, a tablet, a new phone: make a code here and type it on the other device's Join screen, in the invite code box. It joins as you, with your turfs, call lists and network.",
        "Una computadora para llamar, una tableta, un teléfono nuevo: haga un código aquí y escríbalo en la pantalla Unirse del otro dispositivo, en la casilla del código de invitación. Entrará como usted, con sus turfs, listas de llamadas y red."
    ),
    LinkMake => ("Make a code", "Hacer un código"),
    LinkTypeIt => ("Type this on the other device:", "Escriba esto en el otro dispositivo:"),
    LinkNeedsConnection => (
        "Making a code needs a connection to the campaign server. Try again when you have signal or Wi-Fi.",
        "Hacer un código necesita conexión con el servidor de la campaña. Inténtelo de nuevo cuando tenga señal o wifi."
    ),
    LinkFailed => (
        "The server could not make a code just now. Try again in a minute.",
        "El servidor no pudo hacer un código ahora. Inténtelo de nuevo en un minuto."
    ),
    YourName => ("Your name", "Su nombre"),
    YourNameHint => ("As your teammates will see it", "Como lo verán sus compañeros"),
    JoinButton => ("Join", "Unirme"),
    Joining => ("Joining…", "Uniéndose…"),
    TryAgain => ("Try again", "Intentar de nuevo"),
    JoinMissingFields => (
        "Fill in the server address, the invite code and your name.",
        "Complete la dirección del servidor, el código de invitación y su nombre."
    ),
    JoinWrongCode => (
        "That invite code is not right. Check it letter by letter, or ask your lead for the code again.",
        "Ese código de invitación no es correcto. Revíselo letra por letra o pida el código otra vez a su líder."
    ),
    JoinExpiredCode => (
        "That code has expired or was used up. Ask your lead for a new invite code, or make a new code on your other device.",
        "Ese código venció o ya se usó. Pida un código de invitación nuevo a su líder o haga un código nuevo en su otro dispositivo."
    ),
    JoinTooManyAttempts => (
        "Too many wrong codes were tried from this network. Wait ten minutes, check the code letter by letter, then try again.",
        "Se probaron demasiados códigos incorrectos desde esta red. Espere diez minutos, revise el código letra por letra y vuelva a intentarlo."
    ),
    JoinNoConnection => (
        "Could not reach the campaign server. Check your signal or Wi-Fi and the server address, then try again.",
        "No se pudo contactar el servidor de la campaña. Revise su señal o wifi y la dirección del servidor, y vuelva a intentarlo."
    ),
    JoinBadAddress => (
        "The server address does not look right. It should start with https://",
        "La dirección del servidor no parece correcta. Debe empezar con https://"
    ),
    JoinOldApp => (
        "This app is too old for the campaign server. Update the app, then try again.",
        "Esta aplicación es demasiado antigua para el servidor. Actualícela y vuelva a intentarlo."
    ),
    JoinOtherCampaign => (
        "This phone still has records for another campaign waiting to sync. Connect and sync them before joining a new campaign.",
        "Este teléfono aún tiene registros de otra campaña por sincronizar. Conéctese y sincronícelos antes de unirse a otra campaña."
    ),
    JoinServerTrouble => (
        "The campaign server had a problem. Wait a minute and try again; if it keeps happening, tell your lead.",
        "El servidor de la campaña tuvo un problema. Espere un minuto y vuelva a intentarlo; si sigue pasando, avise a su líder."
    ),
    // Home
    MyTurfs => ("My turfs", "Mis zonas"),
    NoTurfsYet => ("No turfs yet", "Aún no tiene zonas"),
    NoTurfsHelp => (
        "Your lead has not assigned you a turf yet, or it is still downloading. Stay connected for a moment, or ask your lead.",
        "Su líder aún no le asignó una zona, o todavía se está descargando. Manténgase conectado un momento o pregunte a su líder."
    ),
    CouldNotRead => (
        "Could not read this phone's data. Restart the app; if it keeps happening, free some storage space.",
        "No se pudieron leer los datos del teléfono. Reinicie la aplicación; si sigue pasando, libere espacio."
    ),
    // Walk list
    WalkListTitle => ("Walk list", "Lista de casas"),
    FilterNotVisited => ("Not visited", "Sin visitar"),
    FilterComeBack => ("Come back", "Volver"),
    FilterAll => ("All", "Todas"),
    SearchLabel => ("Search street or number", "Buscar calle o número"),
    NoDoorsMatch => ("No doors match. Clear the search or pick another filter.", "Ninguna casa coincide. Borre la búsqueda o elija otro filtro."),
    NoDoorsInTurf => ("This turf has no doors on this phone yet. Stay connected so it can download.", "Esta zona aún no tiene casas en este teléfono. Manténgase conectado para descargarla."),
    TurfNotFound => ("This turf is not on this phone any more. Go back to your turfs.", "Esta zona ya no está en este teléfono. Vuelva a sus zonas."),
    // Door states
    StateNotVisited => ("Not visited", "Sin visitar"),
    StateTryAgain => ("Try again", "Intentar otra vez"),
    StateComeBack => ("Come back", "Volver más tarde"),
    StateClosed => ("Closed", "Cerrada"),
    StateRefused => ("Refused", "Rechazó"),
    StateContacted => ("Talked", "Conversamos"),
    // Door
    DoorTitle => ("At the door", "En la puerta"),
    WhoAnswered => ("Who answered?", "¿Quién abrió?"),
    NobodyListed => ("Nobody is listed at this door.", "No hay nadie registrado en esta casa."),
    SomeoneNew => ("Someone new at the door", "Alguien nuevo en la puerta"),
    FirstName => ("First name", "Nombre"),
    LastName => ("Last name", "Apellido"),
    AddPerson => ("Add person", "Agregar persona"),
    Cancel => ("Cancel", "Cancelar"),
    ResultBuilding => ("The building", "El edificio"),
    ResultDoor => ("The door", "La puerta"),
    ResultPerson => ("The person", "La persona"),
    ChooseResult => ("What happened?", "¿Qué pasó?"),
    Support => ("Support", "Apoyo"),
    Pledge => ("Pledged to vote", "Se compromete a votar"),
    PledgeWhen => ("When will they vote?", "¿Cuándo votará?"),
    PledgeWhere => ("Where?", "¿Dónde?"),
    PledgeHow => ("How will they get there?", "¿Cómo llegará?"),
    AskVolunteer => ("Will they volunteer?", "¿Se ofrece como voluntario?"),
    AskDonate => ("Will they donate?", "¿Va a donar?"),
    Yes => ("Yes", "Sí"),
    No => ("No", "No"),
    Maybe => ("Maybe", "Tal vez"),
    Note => ("Note for teammates", "Nota para el equipo"),
    Save => ("Save and next door", "Guardar y siguiente casa"),
    SaveLast => ("Save", "Guardar"),
    Saving => ("Saving…", "Guardando…"),
    Saved => ("Saved on this phone", "Guardado en este teléfono"),
    NeedResult => ("Choose what happened at the door before saving.", "Elija qué pasó en la puerta antes de guardar."),
    NeedPerson => (
        "Choose who answered: this result and the answers are about a person.",
        "Elija quién abrió: este resultado y las respuestas son sobre una persona."
    ),
    ScriptQuestions => ("Questions to ask", "Preguntas para hacer"),
    SkipQuestion => ("Skip this question", "Saltar esta pregunta"),
    ScriptEnd => (
        "That is the end of the script: thank them, then save.",
        "Ese es el final del guion: agradezca y luego guarde."
    ),
    ScriptNeedsPerson => (
        "Choose who answered, then ask the questions.",
        "Elija quién abrió y luego haga las preguntas."
    ),
    NeedName => ("Type a first or last name.", "Escriba un nombre o apellido."),
    DoorNotFound => ("This door is not on this phone any more. Go back to the walk list.", "Esta casa ya no está en este teléfono. Vuelva a la lista."),
    History => ("Already recorded here", "Ya registrado aquí"),
    NoHistory => ("Nobody has knocked here yet.", "Nadie ha tocado aquí todavía."),
    LastDoor => ("That was the last door of this turf.", "Esa fue la última casa de esta zona."),
    // Splitting a turf with a partner (the walk list and the map)
    SplitLabel => ("Split with a partner", "Dividir con un compañero"),
    HalfWhole => ("All doors", "Todas"),
    HalfFirst => ("1st half", "1.ª mitad"),
    HalfSecond => ("2nd half", "2.ª mitad"),
    // The canvasser's map (views/walk_map.rs)
    OpenMap => ("Map", "Mapa"),
    MapTitle => ("Map of this turf", "Mapa de esta zona"),
    MapHelp => (
        "Streets and doors from this phone, no signal needed. Each dot is a door, coloured by its status; tap one to open it.",
        "Calles y casas guardadas en este teléfono, sin señal. Cada punto es una casa, con el color de su estado; tóquela para abrirla."
    ),
    MapNoStreets => (
        "No streets for this turf yet. They come with a sync once your lead loads the map; the doors are shown without them.",
        "Aún no hay calles para esta zona. Llegan al sincronizar cuando su líder cargue el mapa; las casas se muestran sin ellas."
    ),
    MapNoDoors => (
        "No door of this turf has a place on the map. Use the walk list.",
        "Ninguna casa de esta zona tiene lugar en el mapa. Use la lista de casas."
    ),
    LocationFinding => ("Finding where you are…", "Buscando dónde está…"),
    LocationOff => (
        "Your location is off or not allowed, so the map cannot show where you are. Everything else works.",
        "Su ubicación está apagada o no permitida, así que el mapa no puede mostrar dónde está. Todo lo demás funciona."
    ),
    LocationPrivate => (
        "Your location stays on this phone: it is never sent to the campaign.",
        "Su ubicación se queda en este teléfono: nunca se envía a la campaña."
    ),
    NearestDoor => ("Nearest door not visited yet", "Casa más cercana sin visitar"),
    OpenThisDoor => ("Open this door", "Abrir esta casa"),
    AllDoorsVisited => ("Every door on the map has been visited.", "Ya se visitaron todas las casas del mapa."),
    // Paper walk list
    PrintWalkList => ("Print walk list", "Imprimir lista de casas"),
    PrintShort => ("Print", "Imprimir"),
    PrintTitle => ("Paper walk list", "Lista de casas en papel"),
    PrintIntro => (
        "A paper copy for when the phone dies. Print it, or save it and print it from a computer.",
        "Una copia en papel por si el teléfono se apaga. Imprímala, o guárdela e imprímala desde una computadora."
    ),
    PrintNow => ("Print", "Imprimir"),
    PrintPreviewLabel => ("The walk list as it will print", "La lista tal como se imprimirá"),
    PrintedOn => ("Printed", "Impresa el"),
    PrintInstructions => (
        "Tick one result for each door, and the answers of the person you talked to. Enter them in the app when the phone is back.",
        "Marque un resultado por casa y las respuestas de la persona con quien habló. Anótelos en la aplicación cuando vuelva a tener el teléfono."
    ),
    SurveyQuestions => ("Survey questions", "Preguntas de la encuesta"),
    QuestionShort => ("Q", "P"),
    PrintNotes => ("Notes", "Notas"),
    Age => ("Age", "Edad"),
    Party => ("Party", "Partido"),
    SaveAsFile => ("Save as a file", "Guardar como archivo"),
    SavedAsFile => ("Saved on this computer as:", "Guardada en esta computadora como:"),
    PrintNotAvailable => (
        "This device could not open printing. Save the walk list as a file and print it from a computer.",
        "Este dispositivo no pudo abrir la impresión. Guarde la lista como archivo e imprímala desde una computadora."
    ),
    SaveFileFailed => (
        "Could not save the file. Check that the disk is not full, then try again.",
        "No se pudo guardar el archivo. Revise que el disco no esté lleno y vuelva a intentarlo."
    ),
    // Phone bank: call lists and the call session (issue 5), src/ui/views/call_lists.rs, call.rs
    CallListsTitle => ("My call lists", "Mis listas de llamadas"),
    CallListsHomeLink => ("Phone bank: my call lists", "Banco telefónico: mis listas de llamadas"),
    NoCallListsYet => ("No call lists yet", "Todavía no hay listas de llamadas"),
    NoCallListsHelp => (
        "When your lead gives you a list to call, it appears here after the next sync.",
        "Cuando su líder le dé una lista para llamar, aparecerá aquí después de la próxima sincronización."
    ),
    BackToCallLists => ("My call lists", "Mis listas de llamadas"),
    CallListNotFound => (
        "This call list is not on this device any more: your lead may have given it to someone else.",
        "Esta lista ya no está en este dispositivo: puede que su líder se la haya dado a otra persona."
    ),
    DialButton => ("Call", "Llamar"),
    DialLabel => ("Call this number with the phone", "Llamar a este número con el teléfono"),
    CopyNumber => ("Copy number", "Copiar número"),
    NumberCopied => ("Number copied", "Número copiado"),
    PreferredLanguage => ("Prefers", "Prefiere"),
    LanguageEnglish => ("English", "Inglés"),
    LanguageSpanish => ("Spanish", "Español"),
    ScriptIn => ("Script in", "Guion en"),
    SecondTry => ("Second try", "Segundo intento"),
    CallBackDueNow => ("Call-back: they asked us to call now", "Devolver llamada: pidieron que llamemos ahora"),
    HowDidItGo => ("How did the call go?", "¿Cómo fue la llamada?"),
    CallBackWhen => ("When should we call back?", "¿Cuándo devolvemos la llamada?"),
    InOneHour => ("In 1 hour", "En 1 hora"),
    ThisEvening => ("This evening, 6 pm", "Esta tarde, 6 pm"),
    TomorrowMorning => ("Tomorrow, 10 am", "Mañana, 10 am"),
    TomorrowEvening => ("Tomorrow, 6 pm", "Mañana, 6 pm"),
    OtherTime => ("Another time", "Otra hora"),
    CallBackAt => ("Call back", "Devolver llamada"),
    NeedCallBackTime => ("Choose when to call back.", "Elija cuándo devolver la llamada."),
    NeedDisposition => ("Choose how the call went before going on.", "Elija cómo fue la llamada antes de seguir."),
    NextContact => ("Save and next contact", "Guardar y siguiente contacto"),
    SkipContact => ("Skip: someone else will call", "Saltar: otra persona llamará"),
    TalkAboutIt => ("The conversation", "La conversación"),
    DoNotCallWarning => (
        "Nobody will call this number again, on any list.",
        "Nadie volverá a llamar a este número, en ninguna lista."
    ),
    NobodyOfflineTitle => ("Nobody left to call on this device", "No queda nadie por llamar en este dispositivo"),
    NobodyOfflineHelp => (
        "This device is offline and has called everyone it held. Your calls are saved; connect to the internet to get more contacts.",
        "Este dispositivo no tiene conexión y ya llamó a todos los que tenía. Sus llamadas están guardadas; conéctese a internet para recibir más contactos."
    ),
    ListFinishedTitle => ("This list is finished", "Esta lista está terminada"),
    ListFinishedHelp => (
        "Everyone on it has been called or is being called by a teammate. Thank you!",
        "Ya se llamó a todos, o un compañero los está llamando. ¡Gracias!"
    ),
    FetchingContactsTitle => ("Getting contacts to call…", "Recibiendo contactos para llamar…"),
    FetchingContactsHelp => (
        "They arrive with the next sync. Tap Sync now if it takes long.",
        "Llegan con la próxima sincronización. Toque Sincronizar ahora si tarda."
    ),
    CallBacksLaterHelp => ("Call-backs waiting on this device, the next one at", "Llamadas para devolver en este dispositivo, la próxima a las"),
    StartCalling => ("Start calling", "Empezar a llamar"),
    // My network (relational organizing, issue 5): src/ui/views/network/
    MyNetwork => ("My network", "Mi red"),
    NetHomeLink => (
        "My network: ask friends, family and coworkers",
        "Mi red: pida apoyo a amistades, familia y compañeros"
    ),
    NetPrivate => (
        "Only you see these contacts. Your lead sees only totals.",
        "Solo usted ve estos contactos. Su líder solo ve los totales."
    ),
    NetMyTotals => ("My progress", "Mi avance"),
    NetAsksMade => ("Asks made", "Pedidos hechos"),
    NetYes => ("Yes", "Sí"),
    NetNo => ("No", "No"),
    NetMaybe => ("Maybe", "Quizás"),
    NetFollowUpsDue => ("Follow-ups due", "Seguimientos pendientes"),
    NetNoFollowUps => ("No follow-ups due today.", "Hoy no hay seguimientos pendientes."),
    NetAddContact => ("Add a contact", "Agregar un contacto"),
    NetImport => ("Import from my phone", "Importar de mi teléfono"),
    NetSearch => ("Search my contacts", "Buscar en mis contactos"),
    NetNoContacts => ("No contacts yet", "Aún no hay contactos"),
    NetNoContactsHelp => (
        "Add the people you know (friends, family, coworkers) or import them from your phone's contacts.",
        "Agregue a la gente que conoce (amistades, familia, compañeros) o impórtela de los contactos de su teléfono."
    ),
    NetNoMatch => ("No contact matches your search.", "Ningún contacto coincide con su búsqueda."),
    NetName => ("Name", "Nombre"),
    NetPhone => ("Phone", "Teléfono"),
    NetEmail => ("Email", "Correo electrónico"),
    NetRelationship => ("How you know them", "De dónde se conocen"),
    NetRelFriend => ("Friend", "Amistad"),
    NetRelFamily => ("Family", "Familia"),
    NetRelCoworker => ("Coworker", "Compañero de trabajo"),
    NetRelNeighbor => ("Neighbor", "Vecino"),
    NetRelOther => ("Other", "Otro"),
    NetSaveContact => ("Save contact", "Guardar contacto"),
    NetEditContact => ("Edit contact", "Editar contacto"),
    NetRemoveContact => ("Remove from my list", "Quitar de mi lista"),
    NetRemoved => (
        "Removed from your list. Save it again to bring it back.",
        "Se quitó de su lista. Guárdelo de nuevo para recuperarlo."
    ),
    NetSaved => ("Saved on this phone.", "Guardado en este teléfono."),
    NetNeedName => ("Type a name.", "Escriba un nombre."),
    NetBadPhone => (
        "That phone number does not look right: type it with the area code, like (919) 555-0123.",
        "Ese número no parece correcto: escríbalo con el código de área, como (919) 555-0123."
    ),
    NetBadEmail => (
        "That email address does not look right: it should look like name@example.org.",
        "Ese correo no parece correcto: debe verse como nombre@ejemplo.org."
    ),
    NetAskDonate => ("Donate", "Donar"),
    NetAskVolunteer => ("Volunteer", "Ser voluntario"),
    NetAskPledge => ("Pledge to vote", "Compromiso de votar"),
    NetAsks => ("Asks", "Pedidos"),
    NetNotAsked => ("Not asked yet", "Aún sin pedir"),
    NetPlanned => ("Planned", "Planeado"),
    NetFollowUpOn => ("Follow up on", "Seguimiento el"),
    NetSavePlan => ("Plan this ask", "Planear este pedido"),
    NetRecordAnswer => ("Their answer", "Su respuesta"),
    NetAmountPromised => ("Amount promised, in dollars", "Monto prometido, en dólares"),
    NetSaveAnswer => ("Save the answer", "Guardar la respuesta"),
    NetGiftReceived => ("Gift received, in dollars", "Donación recibida, en dólares"),
    NetSaveGift => ("Save the gift", "Guardar la donación"),
    NetGiven => ("Given", "Donado"),
    NetBadAmount => (
        "Type an amount in dollars, like 25 or 25.50, up to $100,000.",
        "Escriba un monto en dólares, como 25 o 25.50, hasta $100,000."
    ),
    NetBadDate => ("Type a date like 2026-11-30, or leave it empty.", "Escriba una fecha como 2026-11-30, o déjela vacía."),
    NetChooseAnswer => ("Choose yes, no or maybe first.", "Primero elija sí, no o quizás."),
    NetContactNotFound => ("This contact is not on your list.", "Este contacto no está en su lista."),
    NetImportTitle => ("Import contacts", "Importar contactos"),
    NetImportHelp => (
        "Export your contacts from your phone as a vCard (.vcf) or CSV file, then pick the file or paste its text here. Nothing is saved until you confirm.",
        "Exporte sus contactos del teléfono como archivo vCard (.vcf) o CSV; luego elija el archivo o pegue su texto aquí. No se guarda nada hasta que confirme."
    ),
    NetPickFile => ("Pick a .vcf or .csv file", "Elija un archivo .vcf o .csv"),
    NetPasteHere => ("Or paste the file's text", "O pegue el texto del archivo"),
    NetCheckFile => ("Check the file", "Revisar el archivo"),
    NetImportConfirm => ("Import these contacts", "Importar estos contactos"),
    NetImportNothing => ("There is nobody new to import.", "No hay nadie nuevo para importar."),
    NetImportProblems => ("Left out or changed", "Omitidos o cambiados"),
    NetImportWillAdd => ("Will be added", "Se agregarán"),
    NetFileUnreadable => (
        "That file could not be read as text; export it again as vCard or CSV.",
        "No se pudo leer ese archivo como texto; expórtelo de nuevo como vCard o CSV."
    ),
    NetRefused => (
        "The server refused some of your contact records:",
        "El servidor rechazó algunos de sus registros de contactos:"
    ),
    NetHistory => ("What happened", "Historial"),
    // Field lead (issue 6): src/ui/views/lead/
    LeadTitle => ("Field lead", "Responsable de campo"),
    LeadEntry => ("Field lead: progress, people, invites", "Responsable de campo: avance, equipo, invitaciones"),
    LeadNav => ("Field lead screens", "Pantallas de responsable de campo"),
    LeadOnlyTitle => ("For field leads only", "Solo para responsables de campo"),
    LeadOnlyHelp => (
        "This part of the app is for field leads. Your turfs are on the home screen.",
        "Esta parte de la aplicación es para responsables de campo. Sus zonas están en la pantalla de inicio."
    ),
    LeadTabDashboard => ("Progress", "Avance"),
    LeadTabMap => ("Map", "Mapa"),
    LeadTabPeople => ("People", "Equipo"),
    LeadTabAssign => ("Assign", "Asignar"),
    LeadTabInvites => ("Invites", "Invitaciones"),
    LeadTabData => ("Campaign data", "Datos de campaña"),
    DataImportTitle => ("Import a voter file", "Importar un padrón electoral"),
    DataImportHelp => (
        "New voters are added, known ones (by their voter id) updated, never duplicated. Bad rows are listed with their row number; the good ones still import.",
        "Se agregan los votantes nuevos y se actualizan los conocidos (por su número de votante), sin duplicar. Las filas con errores se listan con su número; las buenas se importan igual."
    ),
    DataFormat => ("The file's layout", "Formato del archivo"),
    DataFormatNcvoter => ("NC voter file", "Padrón de Carolina del Norte"),
    DataFormatVan => ("VAN export", "Exportación de VAN"),
    DataFormatMapped => ("Other CSV, with a column mapping", "Otro CSV, con un mapeo de columnas"),
    DataMapping => ("Column mapping (TOML)", "Mapeo de columnas (TOML)"),
    DataWholeFile => (
        "This is the whole voter file: voters missing from it are marked removed",
        "Es el padrón completo: los votantes que no aparecen se dan de baja"
    ),
    DataPickFile => (
        "Choose the file (.csv, .txt, or zipped: .gz, .zip)",
        "Elija el archivo (.csv, .txt, o comprimido: .gz, .zip)"
    ),
    DataPasteRows => ("…or paste its rows, header first", "…o pegue sus filas, con el encabezado primero"),
    DataImportStart => ("Upload and import", "Subir e importar"),
    DataUploading => ("Uploading the file…", "Subiendo el archivo…"),
    DataImportFailed => ("Nothing was imported:", "No se importó nada:"),
    DataReportTitle => ("Rows with a problem", "Filas con un problema"),
    DataFileUnreadable => ("That file could not be read. Try choosing it again.", "No se pudo leer ese archivo. Elíjalo de nuevo."),
    DataNoFile => ("Choose a file or paste its rows first.", "Primero elija un archivo o pegue sus filas."),
    DataNeedsMapping => (
        "An \"other CSV\" file needs its column mapping: paste it above.",
        "Un archivo \"otro CSV\" necesita su mapeo de columnas: péguelo arriba."
    ),
    DataGeoTitle => ("Map coordinates", "Coordenadas del mapa"),
    DataGeoHelp => (
        "A geocoding file (CSV: an address, or address_key, with lat and lon) places households on the map, for a cut by area and the turf map. Phones get the new locations at their next sync.",
        "Un archivo de geocodificación (CSV: una dirección, o address_key, con lat y lon) ubica los hogares en el mapa, para cortar por zona y para el mapa de turfs. Los teléfonos reciben las ubicaciones nuevas al sincronizar."
    ),
    DataGeoStart => ("Add the coordinates", "Agregar las coordenadas"),
    DataExportTitle => ("Export the results", "Exportar los resultados"),
    DataExportHelp => (
        "One row per contact attempt with the voter's id, the result, survey answers, pledge, asks and time, to load back into your voter database. Quarantined volunteers' records are left out.",
        "Una fila por intento de contacto con el número del votante, el resultado, las respuestas, el compromiso, las peticiones y la hora, para cargar de nuevo en su base de datos de votantes. Se omiten los registros de voluntarios en cuarentena."
    ),
    DataExportFull => ("Every column", "Todas las columnas"),
    DataExportVan => ("VAN upload", "Carga a VAN"),
    DataExportStart => ("Export the results", "Exportar los resultados"),
    DataExportNoFolder => (
        "This device keeps no files, so the export cannot be saved here. Export from a laptop.",
        "Este dispositivo no guarda archivos, así que la exportación no se puede guardar aquí. Exporte desde una computadora."
    ),
    DataCutTitle => ("Cut turfs", "Cortar turfs"),
    DataCutHelp => (
        "Households not in a turf yet are cut into turfs, in walking order. Turfs already made stay as they are.",
        "Los hogares que aún no están en un turf se cortan en turfs, en orden de recorrido. Los turfs ya hechos no cambian."
    ),
    DataCutPrecinct => ("By precinct", "Por precinto"),
    DataCutStreet => ("By street", "Por calle"),
    DataCutArea => ("By area (map)", "Por zona (mapa)"),
    DataDoorsPerTurf => ("Doors per turf", "Puertas por turf"),
    DataDoors => ("doors", "puertas"),
    DataCutStart => ("Cut turfs", "Cortar turfs"),
    DataBadDoors => ("Doors per turf must be a number from 1 to 2,000.", "Las puertas por turf deben ser un número de 1 a 2.000."),
    DataListTitle => ("Make a call list", "Hacer una lista de llamadas"),
    DataListHelp => (
        "Voters with a valid phone number, minus do-not-call, one call per number.",
        "Votantes con un teléfono válido, sin los de no llamar, una llamada por número."
    ),
    DataListName => ("List name", "Nombre de la lista"),
    DataListPrecincts => ("Only these precincts (comma-separated; empty for all)", "Solo estos precintos (separados por comas; vacío para todos)"),
    DataListScript => ("Script callers read", "Guion que leen quienes llaman"),
    DataNoScript => ("No script (the standard questions)", "Sin guion (las preguntas de siempre)"),
    DataListMake => ("Make the list", "Hacer la lista"),
    DataListNeedsName => ("Give the list a name.", "Póngale un nombre a la lista."),
    DataScriptTitle => ("Scripts", "Guiones"),
    DataScriptHelp => (
        "A script file (TOML) with its questions, answers and branches in English and Spanish. Saving a changed file makes a new version; phones keep answering the version they had.",
        "Un archivo de guion (TOML) con sus preguntas, respuestas y ramas en inglés y español. Guardar un archivo cambiado crea una versión nueva; los teléfonos siguen con la versión que tenían."
    ),
    DataNoScriptsYet => ("No scripts yet.", "Aún no hay guiones."),
    DataPickScript => ("Choose a script file", "Elija un archivo de guion"),
    DataScriptText => ("…or paste or edit it here", "…o péguelo o edítelo aquí"),
    DataScriptSave => ("Check and save", "Revisar y guardar"),
    DataNoScriptText => ("Choose a script file or paste it first.", "Primero elija un archivo de guion o péguelo."),
    DataScriptProblems => ("The script was not saved. Fix these and save again:", "El guion no se guardó. Corrija esto y guarde de nuevo:"),
    LeadRefresh => ("Refresh", "Actualizar"),
    LeadRefreshing => ("Getting the latest figures…", "Obteniendo las cifras más recientes…"),
    LeadNoFiguresOffline => (
        "You're offline and this device has not fetched any figures yet. Connect to the internet, then tap Refresh.",
        "No tiene conexión y este dispositivo aún no ha obtenido cifras. Conéctese a internet y toque Actualizar."
    ),
    LeadRefused => (
        "The campaign server says this device is not a field lead's. Ask the campaign's admin for a lead invite code.",
        "El servidor de la campaña dice que este dispositivo no es de un responsable de campo. Pida al administrador un código de invitación de responsable."
    ),
    LeadServerTrouble => (
        "The campaign server could not give the figures right now. Tap Refresh in a minute.",
        "El servidor de la campaña no pudo dar las cifras ahora. Toque Actualizar en un minuto."
    ),
    LeadNeedsConnection => (
        "You're offline: this needs a connection. Try again when you have signal.",
        "No tiene conexión: esto la necesita. Vuelva a intentarlo cuando tenga señal."
    ),
    LeadNotAccepted => (
        "The campaign server did not accept this. Tap Refresh, check the choices and try again.",
        "El servidor de la campaña no lo aceptó. Toque Actualizar, revise lo elegido y vuelva a intentarlo."
    ),
    LeadDoorsKnocked => ("Doors knocked", "Puertas tocadas"),
    LeadKnocks => ("Knocks (every attempt)", "Toques (cada intento)"),
    LeadContacts => ("Conversations", "Conversaciones"),
    LeadContactRate => ("Contact rate", "Tasa de contacto"),
    LeadPledges => ("Pledges to vote", "Compromisos de votar"),
    LeadVolunteerYes => ("Will volunteer", "Harán voluntariado"),
    LeadDonateYes => ("Will donate", "Donarán"),
    LeadCalls => ("Calls made", "Llamadas hechas"),
    LeadSupportTitle => ("Support: each person's latest answer", "Apoyo: la última respuesta de cada persona"),
    LeadSupport1 => ("1 Strong support", "1 Apoyo firme"),
    LeadSupport2 => ("2 Leaning support", "2 Inclinado a apoyar"),
    LeadSupport3 => ("3 Undecided", "3 Indeciso"),
    LeadSupport4 => ("4 Leaning against", "4 Inclinado en contra"),
    LeadSupport5 => ("5 Strongly against", "5 Firmemente en contra"),
    LeadByTurf => ("Doors knocked by turf", "Puertas tocadas por zona"),
    LeadByVolunteer => ("Knocks by volunteer", "Toques por voluntario"),
    LeadByHour => ("Knocks by hour of the day", "Toques por hora del día"),
    LeadByDay => ("Knocks by day", "Toques por día"),
    LeadNoKnocks => ("No knocks recorded yet.", "Aún no hay toques registrados."),
    LeadDataQuality => ("Data quality", "Calidad de los datos"),
    LeadDataQualityNone => (
        "No volunteer's figures look implausible.",
        "Las cifras de ningún voluntario parecen inverosímiles."
    ),
    LeadFlagHighRate => (
        "Contact rate far above the usual 10–30% at the door",
        "Tasa de contacto muy por encima del 10–30% habitual en la puerta"
    ),
    LeadFlagFastDoors => (
        "Doors logged seconds apart (usual: 2–4 minutes)",
        "Puertas registradas con segundos de diferencia (lo habitual: 2–4 minutos)"
    ),
    LeadFlagOther => ("Flagged by the campaign server", "Marcado por el servidor de la campaña"),
    LeadQuarantined => (
        "Quarantined: kept, but out of figures and exports",
        "En cuarentena: se guardan, pero fuera de las cifras y exportaciones"
    ),
    LeadQuarantine => ("Quarantine their records", "Poner sus registros en cuarentena"),
    LeadRelease => ("Release their records", "Liberar sus registros"),
    LeadMapTitle => ("Turf map", "Mapa de zonas"),
    LeadMapHelp => (
        "Each dot is a household on the turf's streets, placed by its coordinates and coloured by its door status on this device.",
        "Cada punto es una casa sobre las calles de la zona, ubicada por sus coordenadas y coloreada según su estado en este dispositivo."
    ),
    LeadMapNoTurfs => (
        "No turfs on this device yet. Sync to download the campaign.",
        "Aún no hay zonas en este dispositivo. Sincronice para descargar la campaña."
    ),
    LeadLegend => ("Legend", "Leyenda"),
    LeadPeopleTitle => ("Volunteers and devices", "Voluntarios y dispositivos"),
    LeadNoVolunteers => (
        "Nobody has joined yet. Make an invite code.",
        "Aún no se ha unido nadie. Cree un código de invitación."
    ),
    LeadRoleVolunteer => ("Volunteer", "Voluntario"),
    LeadRoleLead => ("Field lead", "Responsable de campo"),
    LeadRoleAdmin => ("Admin", "Administrador"),
    LeadNoDevices => ("No device", "Sin dispositivo"),
    LeadNotSynced => ("Not synced in over a day", "Sin sincronizar en más de un día"),
    LeadRevoked => ("Revoked", "Revocado"),
    LeadRevoke => ("Revoke this device", "Revocar este dispositivo"),
    LeadRevokeConfirm => ("Revoke and wipe it", "Revocar y borrar"),
    LeadRevokeHelp => (
        "It stops syncing and deletes the campaign's data at its next contact. Records it already synced are kept.",
        "Deja de sincronizar y borra los datos de la campaña en su próximo contacto. Lo que ya sincronizó se conserva."
    ),
    LeadThisDevice => ("This device", "Este dispositivo"),
    LeadAssignTitle => ("Assignments", "Asignaciones"),
    LeadTurfs => ("Turfs", "Zonas"),
    LeadCallLists => ("Call lists", "Listas de llamadas"),
    LeadNoTurfs => ("No turfs yet. Cut the voter file into turfs first.", "Aún no hay zonas. Primero divida el padrón en zonas."),
    LeadNoCallLists => ("No call lists yet.", "Aún no hay listas de llamadas."),
    LeadNobodyAssigned => ("Nobody assigned", "Nadie asignado"),
    LeadChange => ("Change who works it", "Cambiar quién la trabaja"),
    LeadSaveAssignment => ("Save assignment", "Guardar asignación"),
    LeadPickVolunteers => ("Tap the people who work it", "Toque a las personas que la trabajan"),
    LeadOldTitle => ("Recorded under an old assignment", "Registrado con una asignación anterior"),
    LeadOldHelp => (
        "Records made in a turf after it was given to someone else. Nothing is lost: they are kept and counted.",
        "Registros hechos en una zona después de asignarla a otra persona. No se pierde nada: se conservan y se cuentan."
    ),
    LeadOldNone => (
        "None: everyone recorded only in turfs they still have.",
        "Ninguno: cada quien registró solo en zonas que todavía tiene."
    ),
    LeadHeldTitle => ("Waiting for your decision", "Esperando su decisión"),
    LeadHeldHelp => (
        "Records made after a turf or call list was taken from the volunteer that would change what others see: a person added, a do-not-contact, a phone result. Nobody sees them until you accept one.",
        "Registros hechos después de quitarle la zona o la lista a la persona voluntaria que cambiarían lo que ven los demás: una persona añadida, un no contactar, un resultado de llamada. Nadie los ve hasta que usted acepte uno."
    ),
    LeadHeldNone => ("Nothing is waiting.", "No hay nada en espera."),
    LeadAccept => ("Accept", "Aceptar"),
    LeadDismiss => ("Dismiss", "Descartar"),
    LeadDncTitle => ("Added to do-not-call", "Añadidos a no llamar"),
    LeadDncHelp => (
        "Numbers volunteers put on the campaign's do-not-call list from the door or a call. Taking one back lets the other voters who share the number be called again.",
        "Números que las personas voluntarias pusieron en la lista de no llamar de la campaña en la puerta o en una llamada. Si retira uno, se podrá volver a llamar a los demás votantes que comparten ese número."
    ),
    LeadDncNone => ("None yet.", "Ninguno todavía."),
    LeadDncUndo => ("Take it back", "Retirar"),
    LeadDncUndone => ("Taken back", "Retirado"),
    LeadInvitesTitle => ("Invite codes", "Códigos de invitación"),
    LeadInviteRole => ("Joins as", "Se une como"),
    LeadInviteUses => ("How many people can use it (1–500)", "Cuántas personas pueden usarlo (1–500)"),
    LeadInviteDays => ("Days until it expires (1–90)", "Días hasta que caduque (1–90)"),
    LeadMakeInvite => ("Make a code", "Crear un código"),
    LeadNewCode => (
        "The new code. Write it down or share it now: it is shown only once.",
        "El código nuevo. Anótelo o compártalo ahora: solo se muestra una vez."
    ),
    LeadNoInvites => ("No invites yet.", "Aún no hay invitaciones."),
    LeadExpired => ("Expired", "Caducado"),
    LeadNobodyJoined => ("Nobody has joined with it yet", "Nadie se ha unido con él todavía"),
    LeadJoinedWith => ("Joined with it", "Se unieron con él"),
    LeadInviteBadNumbers => (
        "Uses must be a number from 1 to 500, and days from 1 to 90.",
        "Los usos deben ser un número de 1 a 500, y los días de 1 a 90."
    ),
}

/// The badge text of a door state.
pub fn door_state(lang: Lang, state: DoorState) -> &'static str {
    lang.t(match state {
        DoorState::NotVisited => Msg::StateNotVisited,
        DoorState::TryAgain => Msg::StateTryAgain,
        DoorState::ComeBack => Msg::StateComeBack,
        DoorState::Closed => Msg::StateClosed,
        DoorState::Refused => Msg::StateRefused,
        DoorState::Contacted => Msg::StateContacted,
    })
}

/// "12 of 40 doors done".
pub fn doors_done(lang: Lang, done: u32, total: u32) -> String {
    match lang {
        Lang::En => format!("{done} of {total} doors done"),
        Lang::Es => format!("{done} de {total} casas hechas"),
    }
}

/// "3 waiting to sync".
pub fn pending(lang: Lang, n: u64) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 record waiting to sync".into(),
        (Lang::En, n) => format!("{n} records waiting to sync"),
        (Lang::Es, 1) => "1 registro por sincronizar".into(),
        (Lang::Es, n) => format!("{n} registros por sincronizar"),
    }
}

/// "2 records refused by the server".
pub fn rejected(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("{n} refused by the server: tell your lead"),
        Lang::Es => format!("{n} rechazados por el servidor: avise a su líder"),
    }
}

/// "Last synced 5 min ago".
pub fn last_synced(lang: Lang, now_ms: u64, at_ms: u64) -> String {
    let minutes = now_ms.saturating_sub(at_ms) / 60_000;
    match (lang, minutes) {
        (Lang::En, 0) => "Synced just now".into(),
        (Lang::En, m) if m < 120 => format!("Last synced {m} min ago"),
        (Lang::En, m) => format!("Last synced {} h ago", m / 60),
        (Lang::Es, 0) => "Sincronizado hace un momento".into(),
        (Lang::Es, m) if m < 120 => format!("Última sincronización hace {m} min"),
        (Lang::Es, m) => format!("Última sincronización hace {} h", m / 60),
    }
}

/// "Downloading 120 of 2,000 doors".
pub fn download(lang: Lang, held: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("{held} of {total} doors downloaded"),
        Lang::Es => format!("{held} de {total} casas descargadas"),
    }
}

/// "Showing 40 doors".
pub fn showing(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 door".into(),
        (Lang::En, n) => format!("{n} doors"),
        (Lang::Es, 1) => "1 casa".into(),
        (Lang::Es, n) => format!("{n} casas"),
    }
}

/// "40 m away", "1.2 km away".
pub fn distance_away(lang: Lang, metres: f64) -> String {
    let d = if metres < 1000.0 {
        format!("{:.0} m", (metres / 5.0).round() * 5.0)
    } else {
        format!("{:.1} km", metres / 1000.0)
    };
    match lang {
        Lang::En => format!("{d} away"),
        Lang::Es => format!("a {d}"),
    }
}

/// "Tried 2 times".
pub fn attempts(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 1) => "Tried once".into(),
        (Lang::En, n) => format!("Tried {n} times"),
        (Lang::Es, 1) => "Un intento".into(),
        (Lang::Es, n) => format!("{n} intentos"),
    }
}

/// The reason a save failed, with what to do next (store errors already say it in
/// English; the Spanish line gives the same advice).
pub fn save_failed(lang: Lang, detail: &str) -> String {
    match lang {
        Lang::En => format!("Not saved: {detail}"),
        Lang::Es => format!(
            "No se guardó: {detail}. Revise lo marcado y vuelva a intentarlo; si sigue pasando, reinicie la aplicación."
        ),
    }
}

/// "12 of 40 left on the list".
pub fn left_on_list(lang: Lang, left: u32, total: u32) -> String {
    match lang {
        Lang::En => format!("{left} of {total} left on the list"),
        Lang::Es => format!("Quedan {left} de {total} en la lista"),
    }
}

/// "5 to call on this device".
pub fn ready_here(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 to call on this device".into(),
        (Lang::En, n) => format!("{n} to call on this device"),
        (Lang::Es, 1) => "1 por llamar en este dispositivo".into(),
        (Lang::Es, n) => format!("{n} por llamar en este dispositivo"),
    }
}

/// "2 call-backs scheduled here".
pub fn call_backs_here(lang: Lang, n: u32) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 call-back scheduled here".into(),
        (Lang::En, n) => format!("{n} call-backs scheduled here"),
        (Lang::Es, 1) => "1 llamada para devolver aquí".into(),
        (Lang::Es, n) => format!("{n} llamadas para devolver aquí"),
    }
}

/// "It works once, until 14:35." on the device's own clock (`zone`).
pub fn valid_until(l: Lang, expires_at_ms: u64, zone: TimeZone) -> String {
    let hm = zone.local(expires_at_ms).format("%H:%M");
    match l {
        Lang::En => format!("It works once, until {hm}."),
        Lang::Es => format!("Sirve una sola vez, hasta las {hm}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            let (en, es) = msg.texts();
            assert!(!en.trim().is_empty(), "{msg:?} has no English");
            assert!(!es.trim().is_empty(), "{msg:?} has no Spanish");
        }
        assert_eq!(Lang::Es.t(Msg::Save), "Guardar y siguiente casa");
        assert_eq!(Lang::En.t(Msg::Save), "Save and next door");
    }

    #[test]
    fn campaign_labels_fall_back_to_english_when_spanish_is_missing() {
        assert_eq!(Lang::Es.pick("Not home", ""), "Not home");
        assert_eq!(Lang::Es.pick("Not home", "No está"), "No está");
        assert_eq!(Lang::En.pick("Not home", "No está"), "Not home");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(pending(Lang::En, 1), "1 record waiting to sync");
        assert_eq!(pending(Lang::Es, 3), "3 registros por sincronizar");
        assert_eq!(doors_done(Lang::Es, 2, 10), "2 de 10 casas hechas");
        assert_eq!(last_synced(Lang::En, 600_000, 0), "Last synced 10 min ago");
    }
}
